using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Messaging.Tests;

/// <summary>Who may put a user into a group: their groupAdds setting in Identity, read by Messaging at the add.</summary>
public sealed class GroupAddsTests(MessagingFixture fixture) : IClassFixture<MessagingFixture>
{
    [Fact]
    public async Task CreatingAGroupWithSomeoneWhoAcceptsNobodyIsRefusedAndNothingIsCreated()
    {
        var owner = await fixture.Identity.CreateUserAsync();
        var willing = await fixture.Identity.CreateUserAsync();
        var hermit = await fixture.Identity.CreateUserAsync();
        await SetGroupAddsAsync(hermit, "nobody");

        using var client = fixture.Messaging.ClientFor(owner);
        using var response = await client.PostAsJsonAsync("/api/conversations/groups", new { title = "Party", memberIds = new[] { willing.Id, hermit.Id } });

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "not-allowed");
        Assert.Empty((await client.GetFromJsonAsync<JsonElement[]>("/api/conversations"))!);
        using var willingClient = fixture.Messaging.ClientFor(willing);
        Assert.Empty((await willingClient.GetFromJsonAsync<JsonElement[]>("/api/conversations"))!);
    }

    [Fact]
    public async Task AddingSomeoneWhoAcceptsNobodyIsRefusedAndTheGroupIsUnchanged()
    {
        var owner = await fixture.Identity.CreateUserAsync();
        var member = await fixture.Identity.CreateUserAsync();
        var hermit = await fixture.Identity.CreateUserAsync();
        var groupId = await fixture.CreateGroupAsync(owner, "Party", member);
        await SetGroupAddsAsync(hermit, "nobody");

        using var client = fixture.Messaging.ClientFor(owner);
        using var response = await client.PostAsJsonAsync($"/api/conversations/{groupId}/members", new { userId = hermit.Id });

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "not-allowed");
        var group = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{groupId}");
        Assert.Equal(2, group.GetProperty("members").GetArrayLength());
        Assert.Equal(1, group.GetProperty("lastSeq").GetInt64());
    }

    [Fact]
    public async Task SomeoneWhoAcceptsContactsCanBeAddedOnlyBySomeoneTheyShareAConversationWith()
    {
        var stranger = await fixture.Identity.CreateUserAsync();
        var (friend, selective, _) = await fixture.CreatePairAsync();
        var other = await fixture.Identity.CreateUserAsync();
        await SetGroupAddsAsync(selective, "contacts");

        using var strangerClient = fixture.Messaging.ClientFor(stranger);
        using var byStranger = await strangerClient.PostAsJsonAsync("/api/conversations/groups", new { title = "Strangers", memberIds = new[] { other.Id, selective.Id } });
        using var friendClient = fixture.Messaging.ClientFor(friend);
        using var byFriend = await friendClient.PostAsJsonAsync("/api/conversations/groups", new { title = "Friends", memberIds = new[] { other.Id, selective.Id } });

        await AssertProblemAsync(byStranger, HttpStatusCode.Forbidden, "not-allowed");
        Assert.Equal(HttpStatusCode.Created, byFriend.StatusCode);
    }

    [Fact]
    public async Task EveryoneIsTheDefaultAndMeShowsTheSetting()
    {
        var owner = await fixture.Identity.CreateUserAsync();
        var newcomer = await fixture.Identity.CreateUserAsync();
        using var identity = fixture.Identity.CreateClient();
        identity.DefaultRequestHeaders.Authorization = newcomer.Authorization;

        var me = await identity.GetFromJsonAsync<JsonElement>("/api/identity/users/me");
        await fixture.CreateGroupAsync(owner, "Open door", newcomer);

        Assert.Equal("everyone", me.GetProperty("groupAdds").GetString());
    }

    private async Task SetGroupAddsAsync(TestUser user, string groupAdds)
    {
        using var client = fixture.Identity.ClientFor(user);
        using var response = await client.PatchAsJsonAsync("/api/identity/users/me", new { groupAdds });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(groupAdds, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("groupAdds").GetString());
    }

}
