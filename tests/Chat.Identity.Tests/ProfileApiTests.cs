using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Identity.Tests;

/// <summary>What a signed-in user changes about their own account: display name and password.</summary>
public sealed class ProfileApiTests : IDisposable
{
    private const string NewPassword = "a brand new passphrase";

    private readonly IdentityFactory _identity = new(new ServiceRouter());
    private readonly HttpClient _client;

    public ProfileApiTests() => _client = _identity.CreateBrowserlessClient();

    public void Dispose()
    {
        _client.Dispose();
        _identity.Dispose();
    }

    [Fact]
    public async Task UpdatingTheDisplayNameChangesWhatEveryoneSees()
    {
        var user = await _identity.CreateUserAsync();

        using var updated = await SendAsync(HttpMethod.Patch, "/api/identity/users/me", user.AccessToken, new { displayName = "  Ada L.  " });

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("Ada L.", (await updated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("displayName").GetString());
        using var seen = await SendAsync(HttpMethod.Get, $"/api/identity/users/{user.Id}", user.AccessToken);
        var body = await seen.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Ada L.", body.GetProperty("displayName").GetString());
        Assert.Equal(user.Username, body.GetProperty("username").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("this display name is far too long to be shown anywhere in the chat client at all")]
    public async Task AnEmptyOrOverlongDisplayNameIsRejected(string? displayName)
    {
        var user = await _identity.CreateUserAsync();

        using var response = await SendAsync(HttpMethod.Patch, "/api/identity/users/me", user.AccessToken, new { displayName });

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request");
    }

    [Fact]
    public async Task UpdatingTheDisplayNameNeedsAnAccessToken()
    {
        using var response = await _client.PatchAsJsonAsync("/api/identity/users/me", new { displayName = "Nobody" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AfterAPasswordChangeOnlyTheNewPasswordLogsIn()
    {
        var user = await _identity.CreateUserAsync();

        using var change = await ChangePasswordAsync(user.AccessToken, IdentityFactory.Password, NewPassword);

        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        using var withOld = await _client.LogInAsync(user.Username);
        using var withNew = await _client.LogInAsync(user.Username, NewPassword);
        Assert.Equal(HttpStatusCode.Unauthorized, withOld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
    }

    [Fact]
    public async Task APasswordChangeEndsEveryOtherSessionButKeepsTheCallers()
    {
        var user = await _identity.CreateUserAsync();
        using var here = await _client.LogInAsync(user.Username);
        using var elsewhere = await _client.LogInAsync(user.Username);

        using var change = await ChangePasswordAsync(await here.AccessTokenAsync(), IdentityFactory.Password, NewPassword);

        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        using var hereRefresh = await _client.RefreshAsync(here.RefreshToken());
        using var elsewhereRefresh = await _client.RefreshAsync(elsewhere.RefreshToken());
        Assert.Equal(HttpStatusCode.OK, hereRefresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhereRefresh.StatusCode);
    }

    [Fact]
    public async Task APasswordChangeWithTheWrongCurrentPasswordIsForbiddenAndChangesNothing()
    {
        var user = await _identity.CreateUserAsync();

        using var change = await ChangePasswordAsync(user.AccessToken, "not the current one", NewPassword);

        await AssertProblemAsync(change, HttpStatusCode.Forbidden, "wrong-password");
        using var withOld = await _client.LogInAsync(user.Username);
        Assert.Equal(HttpStatusCode.OK, withOld.StatusCode);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("1234567890")]
    public async Task AWeakNewPasswordIsRejected(string newPassword)
    {
        var user = await _identity.CreateUserAsync();

        using var change = await ChangePasswordAsync(user.AccessToken, IdentityFactory.Password, newPassword);

        await AssertProblemAsync(change, HttpStatusCode.BadRequest, "weak-password");
    }

    private Task<HttpResponseMessage> ChangePasswordAsync(string accessToken, string currentPassword, string newPassword) =>
        SendAsync(HttpMethod.Put, "/api/identity/users/me/password", accessToken, new { currentPassword, newPassword });

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string accessToken, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await _client.SendAsync(request);
    }
}
