using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Identity.Tests;

/// <summary>
/// The block endpoints' own rules. Enforcement needs Messaging and is tested with it (Chat.Messaging.Tests BlocksTests);
/// here no Messaging runs, which is also how a block behaves when Messaging cannot be told.
/// </summary>
public sealed class BlocksApiTests : IDisposable
{
    private readonly IdentityFactory _identity = new(new ServiceRouter());

    public void Dispose() => _identity.Dispose();

    [Fact]
    public async Task BlockingAnUnknownUserIsNotFound()
    {
        var user = await _identity.CreateUserAsync();
        using var client = _identity.ClientFor(user);

        using var blocked = await client.PutAsync($"/api/identity/users/me/blocks/{user.Id + 1000}", null);
        using var unblocked = await client.DeleteAsync($"/api/identity/users/me/blocks/{user.Id + 1000}");

        await AssertProblemAsync(blocked, HttpStatusCode.NotFound, "user-not-found");
        Assert.Equal(HttpStatusCode.NotFound, unblocked.StatusCode);
    }

    [Fact]
    public async Task BlockingYourselfIsABadRequest()
    {
        var user = await _identity.CreateUserAsync();
        using var client = _identity.ClientFor(user);

        using var response = await client.PutAsync($"/api/identity/users/me/blocks/{user.Id}", null);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request");
    }

    [Fact]
    public async Task ABlockMessagingCannotBeToldOfIsRefusedWith503AndNotRecorded()
    {
        var user = await _identity.CreateUserAsync();
        var other = await _identity.CreateUserAsync();
        using var client = _identity.ClientFor(user);

        using var response = await client.PutAsync($"/api/identity/users/me/blocks/{other.Id}", null);

        await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "blocks-unavailable");
        Assert.Empty((await client.GetFromJsonAsync<JsonElement[]>("/api/identity/users/me/blocks"))!);
    }

    [Fact]
    public async Task BlocksNeedASignedInUser()
    {
        using var client = _identity.CreateClient();

        using var response = await client.GetAsync("/api/identity/users/me/blocks");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task GroupAddsIsShownOnMeAndTakesOnlyTheThreeValues()
    {
        var user = await _identity.CreateUserAsync();
        using var client = _identity.ClientFor(user);

        var before = await client.GetFromJsonAsync<JsonElement>("/api/identity/users/me");
        using var changed = await client.PatchAsJsonAsync("/api/identity/users/me", new { groupAdds = "contacts" });
        using var invalid = await client.PatchAsJsonAsync("/api/identity/users/me", new { groupAdds = "friends-of-friends" });
        var after = await client.GetFromJsonAsync<JsonElement>("/api/identity/users/me");

        Assert.Equal("everyone", before.GetProperty("groupAdds").GetString());
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        await AssertProblemAsync(invalid, HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal("contacts", after.GetProperty("groupAdds").GetString());
        Assert.Equal(user.DisplayName, after.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task TheGroupAddsSettingIsReadableOnlyWithTheInternalKey()
    {
        var user = await _identity.CreateUserAsync();
        using var client = _identity.CreateClient();

        using var withoutKey = await client.GetAsync($"/internal/users/{user.Id}/group-adds");
        client.DefaultRequestHeaders.Add("X-Chat-Internal-Key", IdentityFactory.InternalKey);
        var withKey = await client.GetFromJsonAsync<JsonElement>($"/internal/users/{user.Id}/group-adds");
        using var unknown = await client.GetAsync($"/internal/users/{user.Id + 1000}/group-adds");

        Assert.Equal(HttpStatusCode.Forbidden, withoutKey.StatusCode);
        Assert.Equal("everyone", withKey.GetProperty("groupAdds").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
