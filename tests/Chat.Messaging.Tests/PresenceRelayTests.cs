using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Messaging.Tests;

/// <summary>Messaging and Presence together: connections reported, changes relayed to the people who share a conversation.</summary>
public sealed class PresenceFixture : MessagingFixture
{
    public PresenceFixture()
        : base(messaging => messaging.Set("Messaging:Presence:CoalesceWindow", TimeSpan.FromMilliseconds(200)), presence => { })
    {
    }
}

public sealed class PresenceRelayTests(PresenceFixture fixture) : IClassFixture<PresenceFixture>
{
    [Fact]
    public async Task ConnectingToTheHubMakesYouOnlineForThoseYouShareAConversationWith()
    {
        var (a, b, _) = await fixture.CreatePairAsync();
        await using var bobHub = await fixture.ConnectAsync(b);

        await using var aliceHub = await fixture.ConnectAsync(a);

        var change = await bobHub.NextAsync("PresenceChanged", p => p.GetProperty("userId").GetInt64() == a.Id);
        Assert.Equal("online", change.GetProperty("status").GetString());
        Assert.Equal("online", await fixture.StatusAsync(b, a.Id));
    }

    [Fact]
    public async Task ClosingTheLastConnectionMakesYouOfflineWithALastSeen()
    {
        var (a, b, _) = await fixture.CreatePairAsync();
        await using var bobHub = await fixture.ConnectAsync(b);
        var aliceHub = await fixture.ConnectAsync(a);
        await bobHub.NextAsync("PresenceChanged", p => p.GetProperty("userId").GetInt64() == a.Id && p.GetProperty("status").GetString() == "online");

        await aliceHub.DisposeAsync();

        var change = await bobHub.NextAsync("PresenceChanged", p => p.GetProperty("userId").GetInt64() == a.Id && p.GetProperty("status").GetString() == "offline");
        Assert.NotEqual(JsonValueKind.Null, change.GetProperty("lastSeen").ValueKind);
    }

    [Fact]
    public async Task GoingIdleShowsAwayAndComingBackShowsOnline()
    {
        var (a, b, _) = await fixture.CreatePairAsync();
        await using var bobHub = await fixture.ConnectAsync(b);
        await using var aliceHub = await fixture.ConnectAsync(a);
        await bobHub.NextAsync("PresenceChanged", p => p.GetProperty("userId").GetInt64() == a.Id && p.GetProperty("status").GetString() == "online");

        await aliceHub.Connection.InvokeAsync("SetPresence", "away");
        var away = await bobHub.NextAsync("PresenceChanged", p => p.GetProperty("userId").GetInt64() == a.Id);
        await aliceHub.Connection.InvokeAsync("SetPresence", "online");
        var back = await bobHub.NextAsync("PresenceChanged", p => p.GetProperty("userId").GetInt64() == a.Id);

        Assert.Equal("away", away.GetProperty("status").GetString());
        Assert.Equal("online", back.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AwayIsKeptAcrossAReconnectWhenTheClientReportsItAgain()
    {
        var (a, b, _) = await fixture.CreatePairAsync();
        var first = await fixture.ConnectAsync(a);
        await first.Connection.InvokeAsync("SetPresence", "away");
        await first.DisposeAsync();

        await using var second = await fixture.ConnectAsync(a);
        await second.Connection.InvokeAsync("SetPresence", "away");

        Assert.Equal("away", await EventuallyAsync(() => fixture.StatusAsync(b, a.Id), "away"));
    }

    [Fact]
    public async Task PresenceIsShownOnlyToPeopleWhoShareAConversation()
    {
        var (a, b, _) = await fixture.CreatePairAsync();
        var stranger = await fixture.Identity.CreateUserAsync();
        await using var aliceHub = await fixture.ConnectAsync(a);
        Assert.Equal("online", await EventuallyAsync(() => fixture.StatusAsync(b, a.Id), "online"));

        var seenByStranger = await fixture.PresenceOfAsync(stranger, a.Id);
        var seenBySelf = await fixture.PresenceOfAsync(a, a.Id);

        Assert.Empty(seenByStranger);
        Assert.Equal("online", Assert.Single(seenBySelf).Status);
    }

    [Fact]
    public async Task ABlockedUserSeesTheBlockerOfflineAndGetsNoMorePresenceOfThem()
    {
        var (alice, mallory, _) = await fixture.CreatePairAsync();
        var (carol, _, _) = await CreatePairWithAsync(mallory);
        await using var malloryHub = await fixture.ConnectAsync(mallory);
        await using var aliceHub = await fixture.ConnectAsync(alice);
        await malloryHub.NextAsync("PresenceChanged", p => p.GetProperty("userId").GetInt64() == alice.Id && p.GetProperty("status").GetString() == "online");
        // Presence now holds Mallory's contacts (Alice among them) in its cache.
        Assert.Equal("online", await EventuallyAsync(() => fixture.StatusAsync(mallory, alice.Id), "online"));

        await fixture.BlockAsync(alice, mallory);
        var hidden = await malloryHub.NextAsync("PresenceChanged", p => p.GetProperty("userId").GetInt64() == alice.Id);
        await aliceHub.Connection.InvokeAsync("SetPresence", "away");
        // Carol's change is published after Alice's, so once Mallory has it, Alice's was relayed (or withheld) before.
        await using var carolHub = await fixture.ConnectAsync(carol);
        var seen = await malloryHub.ReadUntilAsync("PresenceChanged", p => p.GetProperty("userId").GetInt64() == carol.Id);

        Assert.Equal("offline", hidden.GetProperty("status").GetString());
        Assert.DoesNotContain(seen, e => e.Name == "PresenceChanged" && e.Payload.GetProperty("userId").GetInt64() == alice.Id);
        Assert.Equal(0, await EventuallyAsync(async () => (await fixture.PresenceOfAsync(mallory, alice.Id)).Length, 0));
        Assert.Empty(await fixture.PresenceOfAsync(alice, mallory.Id));
    }

    private async Task<(TestUser Other, TestUser User, long ConversationId)> CreatePairWithAsync(TestUser user)
    {
        var other = await fixture.Identity.CreateUserAsync();
        using var client = fixture.Messaging.ClientFor(other);
        using var response = await client.PostAsJsonAsync("/api/conversations/direct", new { userId = user.Id });
        response.EnsureSuccessStatusCode();
        return (other, user, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, T expected)
    {
        var value = await read();
        for (var attempt = 0; attempt < 50 && !EqualityComparer<T>.Default.Equals(value, expected); attempt++)
        {
            await Task.Delay(100);
            value = await read();
        }
        return value;
    }
}
