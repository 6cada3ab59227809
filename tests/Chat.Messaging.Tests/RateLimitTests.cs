using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Chat.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Messaging.Tests;

/// <summary>Messaging with tiny per-user limits that never refill during a test (one token a day).</summary>
public sealed class RateLimitFixture : MessagingFixture
{
    public const int SendBurst = 3;
    public const int Burst = 2;
    public const int MaxConnections = 2;

    public RateLimitFixture()
        : base(Limits)
    {
    }

    private static void Limits(ServiceSetup messaging)
    {
        messaging.Set("Messaging:TypingThrottle", TimeSpan.Zero).Set("Messaging:RateLimits:MaxConnectionsPerUser", MaxConnections);
        foreach (var rule in new[] { "Send", "Edit", "Typing", "Presence", "Sync", "MarkRead", "Conversations" })
        {
            // Sync: one more, for the one every connect makes.
            var burst = rule switch { "Send" => SendBurst, "Sync" => Burst + 1, "Conversations" => SendBurst, _ => Burst };
            messaging.Set($"Messaging:RateLimits:{rule}:Burst", burst)
                .Set($"Messaging:RateLimits:{rule}:Tokens", 1)
                .Set($"Messaging:RateLimits:{rule}:Period", TimeSpan.FromDays(1));
        }
    }
}

public sealed partial class RateLimitTests(RateLimitFixture fixture) : IClassFixture<RateLimitFixture>
{
    [Fact]
    public async Task ASendBeyondTheLimitIsRefusedWithWhenToRetryAndIsNotStored()
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        await using var hub = await fixture.ConnectAsync(a);
        for (var i = 0; i < RateLimitFixture.SendBurst; i++)
        {
            await hub.Connection.InvokeAsync<JsonElement>("SendMessage", conversationId, $"ok-{i}", "fine", Array.Empty<long>());
        }

        var refused = await AssertHubErrorAsync(() =>
            hub.Connection.InvokeAsync<JsonElement>("SendMessage", conversationId, "too-many", "one too many", Array.Empty<long>()), "rate-limited");

        Assert.Matches(RetryAfterMessage(), refused);
        Assert.StartsWith("rate-limited: too many messages; retry after ", refused);
        var stored = await HistoryAsync(a, conversationId);
        Assert.Equal(RateLimitFixture.SendBurst, stored.Count);
        Assert.DoesNotContain("too-many", stored);
    }

    [Theory]
    [InlineData("EditMessage")]
    [InlineData("DeleteMessage")]
    [InlineData("Typing")]
    [InlineData("SetPresence")]
    [InlineData("Sync")]
    [InlineData("MarkRead")]
    public async Task EachKindOfHubCallIsRefusedBeyondItsOwnLimit(string method)
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        await using var hub = await fixture.ConnectAsync(a);
        var sent = await hub.Connection.InvokeAsync<JsonElement>("SendMessage", conversationId, "m", "to edit", Array.Empty<long>());
        var seq = sent.GetProperty("seq").GetInt64();
        Func<Task> call = method switch
        {
            "EditMessage" => () => hub.Connection.InvokeAsync(method, conversationId, seq, "edited"),
            "DeleteMessage" => () => hub.Connection.InvokeAsync(method, conversationId, seq + 100),
            "Typing" => () => hub.Connection.InvokeAsync(method, conversationId),
            "SetPresence" => () => hub.Connection.InvokeAsync(method, "away"),
            "Sync" => () => hub.Connection.InvokeAsync<JsonElement>(method, Array.Empty<object>()),
            _ => () => hub.Connection.InvokeAsync(method, conversationId, seq),
        };
        // Sync's bucket holds one more, which the connect's own Sync took.
        for (var i = 0; i < RateLimitFixture.Burst; i++)
        {
            var error = await Record.ExceptionAsync(call);
            Assert.False(error is not null && HubErrorText(error).StartsWith("rate-limited:", StringComparison.Ordinal), error?.Message);
        }
        var refused = await AssertHubErrorAsync(call, "rate-limited");

        Assert.Matches(RetryAfterMessage(), refused);
    }

    [Fact]
    public async Task ARefusedEditLeavesTheMessageAsItWas()
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        await using var hub = await fixture.ConnectAsync(a);
        var seq = (await hub.Connection.InvokeAsync<JsonElement>("SendMessage", conversationId, "m", "original", Array.Empty<long>())).GetProperty("seq").GetInt64();
        for (var i = 0; i < RateLimitFixture.Burst; i++)
        {
            await hub.Connection.InvokeAsync("EditMessage", conversationId, seq, $"edit {i}");
        }

        await AssertHubErrorAsync(() => hub.Connection.InvokeAsync("EditMessage", conversationId, seq, "refused edit"), "rate-limited");

        Assert.Equal(new[] { $"edit {RateLimitFixture.Burst - 1}" }, await HistoryAsync(a, conversationId, field: "text"));
    }

    [Fact]
    public async Task WhileOneUserFloodsEveryAckedSendIsStoredOnceAndTheOtherUserSendsUnhindered()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        await using var alice = await fixture.ConnectAsync(a);
        await using var bob = await fixture.ConnectAsync(b);

        var flood = Enumerable.Range(0, 200).Select(async i =>
        {
            try
            {
                await alice.Connection.InvokeAsync<JsonElement>("SendMessage", conversationId, $"flood-{i}", $"flood {i}", Array.Empty<long>());
                return (Id: $"flood-{i}", Error: (string?)null);
            }
            catch (HubException e)
            {
                return (Id: $"flood-{i}", Error: HubErrorText(e));
            }
        }).ToList();
        var bobSends = Enumerable.Range(0, RateLimitFixture.SendBurst).Select(i =>
            bob.Connection.InvokeAsync<JsonElement>("SendMessage", conversationId, $"bob-{i}", $"bob {i}", Array.Empty<long>())).ToList();
        var outcomes = await Task.WhenAll(flood);
        await Task.WhenAll(bobSends);

        var acked = outcomes.Where(o => o.Error is null).Select(o => o.Id).ToList();
        Assert.All(outcomes.Where(o => o.Error is not null), o => Assert.StartsWith("rate-limited:", o.Error));
        Assert.Equal(RateLimitFixture.SendBurst, acked.Count);
        var stored = await HistoryAsync(a, conversationId);
        Assert.Equal(acked.Order(), stored.Where(id => id.StartsWith("flood-", StringComparison.Ordinal)).Order());
        Assert.Equal(Enumerable.Range(0, RateLimitFixture.SendBurst).Select(i => $"bob-{i}"), stored.Where(id => id.StartsWith("bob-", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task AConnectionBeyondTheUsersCapIsClosedWithTooManyConnectionsAndClosingOneMakesRoom()
    {
        var user = await fixture.Identity.CreateUserAsync();
        var open = new List<HubInbox>();
        for (var i = 0; i < RateLimitFixture.MaxConnections; i++)
        {
            open.Add(await fixture.ConnectAsync(user));
        }

        var refusal = await RefusalOfAsync(user);
        await open[0].DisposeAsync();
        var afterClosingOne = await EventuallyConnectsAsync(user);

        Assert.Contains("too-many-connections:", refusal);
        Assert.NotNull(afterClosingOne);
        await afterClosingOne.DisposeAsync();
        foreach (var inbox in open.Skip(1))
        {
            await inbox.DisposeAsync();
        }
    }

    [Fact]
    public async Task SendingOverHttpBeyondTheLimitAnswers429RateLimitedWithRetryAfterAndStoresNothing()
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        using var client = fixture.Messaging.ClientFor(a);
        for (var i = 0; i < RateLimitFixture.SendBurst; i++)
        {
            using var ok = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = $"h{i}", text = "fine" });
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }

        using var refused = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = "h-refused", text = "too many" });

        await AssertRateLimitedAsync(refused);
        Assert.DoesNotContain("h-refused", await HistoryAsync(a, conversationId));
    }

    [Fact]
    public async Task CreatingGroupsAndAddingMembersBeyondTheLimitAnswers429()
    {
        var owner = await fixture.Identity.CreateUserAsync();
        var b = await fixture.Identity.CreateUserAsync();
        var c = await fixture.Identity.CreateUserAsync();
        var d = await fixture.Identity.CreateUserAsync();
        var groupId = await fixture.CreateGroupAsync(owner, "limited", b);
        using var client = fixture.Messaging.ClientFor(owner);
        using (var added = await client.PostAsJsonAsync($"/api/conversations/{groupId}/members", new { userId = c.Id }))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }
        await fixture.CreateGroupAsync(owner, "another", b);

        using var refusedAdd = await client.PostAsJsonAsync($"/api/conversations/{groupId}/members", new { userId = d.Id });
        using var refusedGroup = await client.PostAsJsonAsync("/api/conversations/groups", new { title = "one more", memberIds = new[] { b.Id } });

        await AssertRateLimitedAsync(refusedAdd);
        await AssertRateLimitedAsync(refusedGroup);
        using var view = fixture.Messaging.ClientFor(b);
        var group = await view.GetFromJsonAsync<JsonElement>($"/api/conversations/{groupId}");
        Assert.DoesNotContain(d.Id, group.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("userId").GetInt64()));
    }

    [Fact]
    public async Task OneUsersLimitDoesNotTouchAnotherUsers()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        using var alice = fixture.Messaging.ClientFor(a);
        using var bob = fixture.Messaging.ClientFor(b);
        for (var i = 0; i < RateLimitFixture.SendBurst; i++)
        {
            (await alice.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = $"a{i}", text = "x" })).Dispose();
        }

        using var alicesNext = await alice.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = "a-next", text = "x" });
        using var bobsSend = await bob.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = "b0", text = "still fine" });

        await AssertRateLimitedAsync(alicesNext);
        Assert.Equal(HttpStatusCode.Created, bobsSend.StatusCode);
    }

    private static async Task AssertRateLimitedAsync(HttpResponseMessage response)
    {
        await AssertProblemAsync(response, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.True(int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    /// <summary>The given field of every message in the conversation, oldest first (client message ids by default).</summary>
    private async Task<List<string>> HistoryAsync(TestUser reader, long conversationId, string field = "clientMessageId")
    {
        using var client = fixture.Messaging.ClientFor(reader);
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages?limit=200");
        return page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty(field).GetString()!).ToList();
    }

    /// <summary>What the server said when it closed a connection it would not keep.</summary>
    private async Task<string> RefusalOfAsync(TestUser user)
    {
        await using var connection = fixture.Messaging.CreateHubConnection(user.AccessToken);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        try
        {
            await connection.StartAsync();
        }
        catch (Exception e)
        {
            return e.Message;
        }
        var reason = await closed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        return reason?.Message ?? "closed without an error";
    }

    /// <summary>A connection once the server has noticed an earlier one closed (it learns of a close asynchronously).</summary>
    private async Task<HubInbox?> EventuallyConnectsAsync(TestUser user)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var inbox = new HubInbox(fixture.Messaging.CreateHubConnection(user.AccessToken));
            try
            {
                await inbox.Connection.StartAndSyncAsync();
                return inbox;
            }
            catch (Exception)
            {
                await inbox.DisposeAsync();
                await Task.Delay(100);
            }
        }
        return null;
    }

    [GeneratedRegex(@"^rate-limited: too many [a-z ]+; retry after [1-9][0-9]* s$")]
    private static partial Regex RetryAfterMessage();
}
