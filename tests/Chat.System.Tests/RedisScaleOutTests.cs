using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.System.Tests;

/// <summary>
/// The same system on a real Redis (Debian's redis-server) instead of Garnet, switched by one setting,
/// with two Messaging replicas sharing the store behind the gateway.
/// </summary>
public sealed class RedisChatApp : ChatApp
{
    private const string RedisServerPath = "/usr/bin/redis-server";

    private readonly int _port = FreeLoopbackPort();
    private Process? _redis;

    protected override IEnumerable<string> ExtraArguments =>
        [$"--ConnectionStrings:redis=127.0.0.1:{_port}", "--Messaging:Replicas=2"];

    public override async Task InitializeAsync()
    {
        Assert.True(File.Exists(RedisServerPath), $"This test runs a real Redis at {RedisServerPath}; install it with 'apt-get install redis-server'.");
        _redis = Process.Start(new ProcessStartInfo(RedisServerPath,
            ["--bind", "127.0.0.1", "--port", _port.ToString(global::System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_redis is { HasExited: false })
        {
            _redis.Kill();
            await _redis.WaitForExitAsync();
        }
        _redis?.Dispose();
    }
}

[Collection(SystemCollection.Name)]
public sealed class RedisScaleOutTests(RedisChatApp app) : IClassFixture<RedisChatApp>
{
    [Fact]
    public async Task MessagesFanOutThroughARealRedisAcrossTwoMessagingReplicas()
    {
        var alice = await app.SignUpAsync("alice_" + Guid.NewGuid().ToString("N")[..6]);
        var bob = await app.SignUpAsync("bob_" + Guid.NewGuid().ToString("N")[..6]);
        using var client = app.CreateClient(alice.Token);
        using var opened = await client.PostAsJsonAsync("/api/conversations/direct", new { userId = bob.Id });
        var conversationId = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        // Several connections per user, so that with the replicas taking turns each user has some on both.
        var bobConnections = new List<HubConnection>();
        var inboxes = new List<TaskCompletionSource<long>>();
        for (var i = 0; i < 4; i++)
        {
            var connection = app.CreateHubConnection(bob.Token);
            var inbox = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.On<JsonElement>("MessageReceived", message => inbox.TrySetResult(message.GetProperty("seq").GetInt64()));
            await connection.StartAndSyncAsync();
            bobConnections.Add(connection);
            inboxes.Add(inbox);
        }
        await using var aliceHub = app.CreateHubConnection(alice.Token);
        await aliceHub.StartAndSyncAsync();

        var sent = await aliceHub.InvokeAsync<JsonElement>("SendMessage", conversationId, Guid.NewGuid().ToString(), "via redis", Array.Empty<long>());

        foreach (var inbox in inboxes)
        {
            Assert.Equal(sent.GetProperty("seq").GetInt64(), await inbox.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        }
        foreach (var connection in bobConnections)
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task SeqsStayGaplessWhenTwoReplicasAppendToTheSameConversation()
    {
        var alice = await app.SignUpAsync("alice_" + Guid.NewGuid().ToString("N")[..6]);
        var bob = await app.SignUpAsync("bob_" + Guid.NewGuid().ToString("N")[..6]);
        using var client = app.CreateClient(alice.Token);
        using var opened = await client.PostAsJsonAsync("/api/conversations/direct", new { userId = bob.Id });
        var conversationId = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var seqs = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            using var sender = app.CreateClient(i % 2 == 0 ? alice.Token : bob.Token);
            using var response = await sender.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = $"r{i}", text = $"m{i}" });
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("seq").GetInt64();
        }));

        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), seqs.Order());
    }

}
