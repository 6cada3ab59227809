using System.Net.Http.Json;
using System.Text.Json;

namespace Chat.System.Tests;

/// <summary>Two Messaging replicas and short presence timings (heartbeat 2 s, timeout 6 s), so a crash shows quickly.</summary>
public sealed class ShortPresenceTimeoutChatApp : ChatApp
{
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(6);

    protected override IEnumerable<string> ExtraArguments =>
        ["--Messaging:Replicas=2", $"--Presence:HeartbeatTimeout={HeartbeatTimeout}", "--Messaging:Presence:HeartbeatInterval=00:00:02"];
}

[Collection(SystemCollection.Name)]
public sealed class PresenceCrashTests(ShortPresenceTimeoutChatApp app) : IClassFixture<ShortPresenceTimeoutChatApp>
{
    [Fact]
    public async Task UsersOfAReplicaThatDiesGoOfflineWithinTheHeartbeatTimeout()
    {
        var carol = await app.SignUpAsync("carol_" + Guid.NewGuid().ToString("N")[..6]);
        var dave = await app.SignUpAsync("dave_" + Guid.NewGuid().ToString("N")[..6]);
        using var daveClient = app.CreateClient(dave.Token);
        (await daveClient.PostAsJsonAsync("/api/conversations/direct", new { userId = carol.Id })).EnsureSuccessStatusCode();
        // Presence has asked Messaging who Dave's contacts are (and keeps the answer), so the only connection a replica
        // takes between the snapshot and the check below is Carol's.
        Assert.Equal("offline", await StatusAsync(daveClient, carol.Id));
        var before = await ReplicaProcesses.SnapshotMessagingReplicasAsync(app);
        await using var carolHub = app.CreateHubConnection(carol.Token);
        await carolHub.StartAsync();
        Assert.True(await StatusBecomesAsync(daveClient, carol.Id, "online", TimeSpan.FromSeconds(10)), "Carol never showed online.");

        // Carol's replica dies without closing anything: no goodbye reaches Presence, only missing heartbeats.
        await ReplicaProcesses.KillMessagingReplicaOfAsync(before, carolHub);

        Assert.True(
            await StatusBecomesAsync(daveClient, carol.Id, "offline", ShortPresenceTimeoutChatApp.HeartbeatTimeout * 3),
            "Carol still showed online long after her replica died.");
    }

    internal static async Task<string> StatusAsync(HttpClient client, long userId) =>
        (await client.GetFromJsonAsync<JsonElement[]>($"/api/presence?userIds={userId}"))![0].GetProperty("status").GetString()!;

    internal static async Task<bool> StatusBecomesAsync(HttpClient client, long userId, string status, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        while (!timeout.IsCancellationRequested)
        {
            if (await StatusAsync(client, userId) == status)
            {
                return true;
            }
            await Task.Delay(250);
        }
        return false;
    }
}
