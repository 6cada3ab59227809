using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Messaging.Tests;

/// <summary>
/// Messaging and Presence with a gate on the way between them that counts every report and can hold one, as a slow
/// Presence would. Heartbeats every 200 ms; presence reports not rate-limited, so only the reporter's own bounds show.
/// </summary>
public sealed class PresenceFloodFixture : MessagingFixture
{
    public PresenceFloodFixture()
        : this(new GateState())
    {
    }

    private PresenceFloodFixture(GateState gate)
        : base(
            messaging => messaging
                .Set("Messaging:Presence:HeartbeatInterval", TimeSpan.FromMilliseconds(200))
                .Set("Messaging:RateLimits:Presence:Burst", 1_000_000)
                .Set("Messaging:RateLimits:Presence:Tokens", 1_000_000),
            presence => presence.WrapCallsWith(handler => new PresenceGate(gate) { InnerHandler = handler }))
    {
        Gate = gate;
    }

    public GateState Gate { get; }

    /// <summary>Counts reports by kind; when armed, holds the next idle/active report until released.</summary>
    public sealed class GateState
    {
        private readonly ConcurrentDictionary<string, int> _counts = new();
        private TaskCompletionSource? _release;

        public TaskCompletionSource Holding { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count(string kind) => _counts.GetValueOrDefault(kind);

        public void HoldNextAwayReport()
        {
            Holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public void Release() => _release?.TrySetResult();

        internal async Task PassAsync(string kind, CancellationToken cancellationToken)
        {
            _counts.AddOrUpdate(kind, 1, (_, count) => count + 1);
            if (kind == "away" && _release is { Task.IsCompleted: false } release && Holding.TrySetResult())
            {
                await release.Task.WaitAsync(cancellationToken);
            }
        }
    }

    private sealed class PresenceGate(GateState state) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.StartsWith("/internal/presence/", StringComparison.Ordinal))
            {
                await state.PassAsync(path["/internal/presence/".Length..], cancellationToken);
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}

public sealed class PresenceFloodTests(PresenceFloodFixture fixture) : IClassFixture<PresenceFloodFixture>
{
    [Fact]
    public async Task TenThousandPresenceReportsFromOneConnectionReachPresenceAsAFewTheLatestWinningAndOthersStillGetThrough()
    {
        var (a, b, _) = await fixture.CreatePairAsync();
        await using var alice = await fixture.ConnectAsync(a);
        var awayBefore = fixture.Gate.Count("away");
        fixture.Gate.HoldNextAwayReport();
        await alice.Connection.InvokeAsync("SetPresence", "online");
        await fixture.Gate.Holding.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Presence is stuck on the first report while the rest arrive; the last one says "away".
        for (var i = 1; i < 9_999; i++)
        {
            await alice.Connection.SendAsync("SetPresence", i % 2 == 0 ? "online" : "away");
        }
        await alice.Connection.InvokeAsync("SetPresence", "away");
        await using var bob = await fixture.ConnectAsync(b);
        var heartbeatsBefore = fixture.Gate.Count("heartbeats");
        fixture.Gate.Release();

        Assert.Equal("away", await EventuallyAsync(() => fixture.StatusAsync(b, a.Id), "away"));
        Assert.Equal("online", await EventuallyAsync(() => fixture.StatusAsync(a, b.Id), "online"));
        Assert.True(await EventuallyAsync(() => Task.FromResult(fixture.Gate.Count("heartbeats") > heartbeatsBefore), true), "no heartbeat after the flood");
        // The held report, the latest state, and at most one retry of the held one by the HTTP client's resilience handler.
        Assert.InRange(fixture.Gate.Count("away") - awayBefore, 2, 3);
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, T expected)
    {
        var value = await read();
        for (var attempt = 0; attempt < 100 && !EqualityComparer<T>.Default.Equals(value, expected); attempt++)
        {
            await Task.Delay(100);
            value = await read();
        }
        return value;
    }
}
