using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Messaging.Tests;

public sealed class GroupsApiTests(MessagingFixture fixture) : IClassFixture<MessagingFixture>
{
    [Fact]
    public async Task CreatingAGroupMakesTheCreatorOwnerAndRecordsItAsSystemMessageSeqOne()
    {
        var owner = await fixture.Identity.CreateUserAsync();
        var b = await fixture.Identity.CreateUserAsync();
        var c = await fixture.Identity.CreateUserAsync();

        var groupId = await fixture.CreateGroupAsync(owner, "Book club", b, c);

        using var client = fixture.Messaging.ClientFor(c);
        var group = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{groupId}");
        Assert.Equal("group", group.GetProperty("kind").GetString());
        Assert.Equal("Book club", group.GetProperty("title").GetString());
        Assert.Equal(owner.Id, group.GetProperty("ownerId").GetInt64());
        Assert.Equal(3, group.GetProperty("members").GetArrayLength());
        var first = Assert.Single((await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{groupId}/messages")).GetProperty("messages").EnumerateArray());
        Assert.Equal(1, first.GetProperty("seq").GetInt64());
        Assert.Equal("system", first.GetProperty("kind").GetString());
        Assert.Equal("created", first.GetProperty("system").GetProperty("event").GetString());
    }

    [Fact]
    public async Task AGroupOfFiftyOneIsRejectedAndNothingIsCreated()
    {
        var owner = await fixture.Identity.CreateUserAsync();
        using var client = fixture.Messaging.ClientFor(owner);

        using var response = await client.PostAsJsonAsync("/api/conversations/groups",
            new { title = "Too many", memberIds = Enumerable.Range(1_000_000, 50).Select(i => (long)i) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement[]>("/api/conversations"))!);
    }

    [Fact]
    public async Task AGroupWithAnUnknownMemberIsRejected()
    {
        var owner = await fixture.Identity.CreateUserAsync();
        using var client = fixture.Messaging.ClientFor(owner);

        using var response = await client.PostAsJsonAsync("/api/conversations/groups", new { title = "Ghosts", memberIds = new[] { 987_654_321L } });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task OnlyTheOwnerAddsOrRemovesOthers()
    {
        var owner = await fixture.Identity.CreateUserAsync();
        var member = await fixture.Identity.CreateUserAsync();
        var outsider = await fixture.Identity.CreateUserAsync();
        var groupId = await fixture.CreateGroupAsync(owner, "Owners only", member);
        using var asMember = fixture.Messaging.ClientFor(member);

        using var add = await asMember.PostAsJsonAsync($"/api/conversations/{groupId}/members", new { userId = outsider.Id });
        using var remove = await asMember.DeleteAsync($"/api/conversations/{groupId}/members/{owner.Id}");

        await AssertProblemAsync(add, HttpStatusCode.Forbidden, "not-allowed");
        Assert.Equal(HttpStatusCode.Forbidden, remove.StatusCode);
        var group = await asMember.GetFromJsonAsync<JsonElement>($"/api/conversations/{groupId}");
        Assert.Equal(2, group.GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task MembershipChangesReachMembersAsSystemMessagesInTheirSequence()
    {
        var owner = await fixture.Identity.CreateUserAsync();
        var member = await fixture.Identity.CreateUserAsync();
        var newcomer = await fixture.Identity.CreateUserAsync();
        var groupId = await fixture.CreateGroupAsync(owner, "Changes", member);
        await fixture.SendAsync(member, groupId, "before");
        await using var memberHub = await fixture.ConnectAsync(member);
        await using var newcomerHub = await fixture.ConnectAsync(newcomer);
        using var asOwner = fixture.Messaging.ClientFor(owner);

        (await asOwner.PostAsJsonAsync($"/api/conversations/{groupId}/members", new { userId = newcomer.Id })).EnsureSuccessStatusCode();

        var added = await memberHub.NextAsync("MessageReceived");
        Assert.Equal(3, added.GetProperty("seq").GetInt64());
        Assert.Equal("member-added", added.GetProperty("system").GetProperty("event").GetString());
        Assert.Equal(newcomer.Id, added.GetProperty("system").GetProperty("userIds")[0].GetInt64());
        var view = await newcomerHub.NextAsync("ConversationChanged");
        Assert.Equal(groupId, view.GetProperty("id").GetInt64());
        Assert.Equal(3, view.GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task ARemovedMemberIsToldAndCanNoLongerReadOrSend()
    {
        var owner = await fixture.Identity.CreateUserAsync();
        var member = await fixture.Identity.CreateUserAsync();
        var removed = await fixture.Identity.CreateUserAsync();
        var groupId = await fixture.CreateGroupAsync(owner, "Pruned", member, removed);
        await using var removedHub = await fixture.ConnectAsync(removed);
        using var asOwner = fixture.Messaging.ClientFor(owner);

        using var response = await asOwner.DeleteAsync($"/api/conversations/{groupId}/members/{removed.Id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(groupId, (await removedHub.NextAsync("ConversationRemoved")).GetProperty("conversationId").GetInt64());
        using var asRemoved = fixture.Messaging.ClientFor(removed);
        Assert.Equal(HttpStatusCode.NotFound, (await asRemoved.GetAsync($"/api/conversations/{groupId}/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await asRemoved.PostAsJsonAsync($"/api/conversations/{groupId}/messages", new { clientMessageId = "x", text = "still here?" })).StatusCode);
    }

    [Fact]
    public async Task AnOwnerWhoLeavesHandsTheGroupToTheLongestStandingMember()
    {
        var owner = await fixture.Identity.CreateUserAsync();
        var first = await fixture.Identity.CreateUserAsync();
        var later = await fixture.Identity.CreateUserAsync();
        var groupId = await fixture.CreateGroupAsync(owner, "Succession", first);
        using (var asOwner = fixture.Messaging.ClientFor(owner))
        {
            (await asOwner.PostAsJsonAsync($"/api/conversations/{groupId}/members", new { userId = later.Id })).EnsureSuccessStatusCode();
            Assert.Equal(HttpStatusCode.NoContent, (await asOwner.DeleteAsync($"/api/conversations/{groupId}/members/{owner.Id}")).StatusCode);
        }

        using var client = fixture.Messaging.ClientFor(first);
        var group = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{groupId}");
        var events = (await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{groupId}/messages")).GetProperty("messages")
            .EnumerateArray().Select(m => m.GetProperty("system").GetProperty("event").GetString()!).ToArray();

        Assert.Equal(first.Id, group.GetProperty("ownerId").GetInt64());
        Assert.Equal(new[] { "created", "member-added", "member-left", "owner-changed" }, events);
    }

    [Fact]
    public async Task RenamingAGroupIsRecordedAndADirectConversationHasNoMembersToManage()
    {
        var owner = await fixture.Identity.CreateUserAsync();
        var member = await fixture.Identity.CreateUserAsync();
        var groupId = await fixture.CreateGroupAsync(owner, "Old name", member);
        var (a, b, directId) = await fixture.CreatePairAsync();
        using var asMember = fixture.Messaging.ClientFor(member);
        using var asA = fixture.Messaging.ClientFor(a);

        using var rename = await asMember.PatchAsJsonAsync($"/api/conversations/{groupId}", new { title = "New name" });
        using var addToDirect = await asA.PostAsJsonAsync($"/api/conversations/{directId}/members", new { userId = owner.Id });

        Assert.Equal("New name", (await rename.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, addToDirect.StatusCode);
        var last = (await asMember.GetFromJsonAsync<JsonElement>($"/api/conversations/{groupId}/messages")).GetProperty("messages").EnumerateArray().Last();
        Assert.Equal("renamed", last.GetProperty("system").GetProperty("event").GetString());
        Assert.Equal("New name", last.GetProperty("system").GetProperty("title").GetString());
    }
}

/// <summary>Groups capped at three, so "the group is full" can be reached with few users.</summary>
public sealed class SmallGroupsFixture() : MessagingFixture(messaging => messaging.Set("Messaging:MaxGroupMembers", 3));

public sealed class GroupLimitTests(SmallGroupsFixture fixture) : IClassFixture<SmallGroupsFixture>
{
    [Fact]
    public async Task AddingAMemberBeyondTheLimitIsRejectedAsGroupFull()
    {
        var owner = await fixture.Identity.CreateUserAsync();
        var b = await fixture.Identity.CreateUserAsync();
        var c = await fixture.Identity.CreateUserAsync();
        var d = await fixture.Identity.CreateUserAsync();
        var groupId = await fixture.CreateGroupAsync(owner, "Full house", b, c);
        using var client = fixture.Messaging.ClientFor(owner);

        using var response = await client.PostAsJsonAsync($"/api/conversations/{groupId}/members", new { userId = d.Id });

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "group-full");
        Assert.Equal(3, (await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{groupId}")).GetProperty("members").GetArrayLength());
    }
}
