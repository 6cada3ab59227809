using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chat.System.Tests;

/// <summary>
/// The whole system as <c>dotnet run</c> of the AppHost starts it (every service its own process, Garnet or a
/// configured Redis), in a fresh data directory, reached only through the gateway like a browser would.
/// </summary>
public class ChatApp : IAsyncLifetime
{
    /// <summary>A start that has not come up healthy by then has failed; the test should say so, not hang.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("chat-system-").FullName;
    private DistributedApplication? _app;

    public Uri Gateway { get; private set; } = null!;

    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>
    /// Tests write hundreds of messages at machine speed as one person; a larger burst lets them, while the rate a
    /// bucket refills at stays the product's own.
    /// </summary>
    private static readonly string[] MachineSpeedLimits = ["--Messaging:RateLimits:Send:Burst=1000", "--Messaging:RateLimits:Edit:Burst=1000"];

    public virtual async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Chat_AppHost>(
            [$"--Chat:DataDirectory={_dataDirectory}", $"--Gateway:Port={FreeLoopbackPort()}", .. MachineSpeedLimits, .. ExtraArguments],
            (app, _) => app.DisableDashboard = true,
            timeout.Token);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        foreach (var resource in new[] { "identity", "messaging", "presence", "media", "gateway" })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
        Gateway = _app.GetEndpoint("gateway", "http");
    }

    public virtual async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The process ids of the running Messaging replicas, as the orchestrator reports them.</summary>
    public async Task<IReadOnlyDictionary<string, int>> GetMessagingReplicaProcessesAsync(int expected)
    {
        var replicas = new Dictionary<string, int>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var update in _app!.ResourceNotifications.WatchAsync(timeout.Token))
        {
            if (update.Resource.Name == "messaging"
                && update.Snapshot.State?.Text == "Running"
                && update.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
                && int.TryParse(pid.ToString(), out var processId))
            {
                replicas[update.ResourceId] = processId;
                if (replicas.Count == expected)
                {
                    break;
                }
            }
        }
        return replicas;
    }

    /// <summary>Kills the only Messaging replica, its whole process tree (the orchestrator's pid is the launcher); returns its resource id.</summary>
    public async Task<string> CrashMessagingAsync()
    {
        var (replicaId, processId) = (await GetMessagingReplicaProcessesAsync(expected: 1)).Single();
        using var replica = Process.GetProcessById(processId);
        replica.Kill(entireProcessTree: true);
        await replica.WaitForExitAsync();
        return replicaId;
    }

    /// <summary>Has the orchestrator start a Messaging replica that exited (crashed or stopped) again, and waits until it is healthy.</summary>
    public async Task StartMessagingAgainAsync(string replicaId)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var notifications = _app!.ResourceNotifications;
        await notifications.WaitForResourceAsync("messaging",
            e => e.ResourceId == replicaId && KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
        var started = await _app.ResourceCommands.ExecuteCommandAsync(replicaId, KnownResourceCommands.StartCommand, timeout.Token);
        Assert.True(started.Success, $"The orchestrator did not start {replicaId} again: {started.Message}");
        await notifications.WaitForResourceAsync("messaging",
            e => e.ResourceId == replicaId && e.Snapshot.State?.Text == KnownResourceStates.Running
                && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
            timeout.Token);
    }

    /// <summary>
    /// Kills one resource's process (a name, or a replica's id) as a crash would, has the orchestrator start it again,
    /// and waits until it runs and reports healthy.
    /// </summary>
    public async Task CrashAndRestartAsync(string resourceId)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var notifications = _app!.ResourceNotifications;
        Assert.True(notifications.TryGetCurrentState(resourceId, out var current), $"There is no resource {resourceId}.");
        var name = current.Resource.Name;
        var id = current.ResourceId;
        var pid = current.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value?.ToString();
        Assert.True(int.TryParse(pid, out var processId), $"{id} has no process id.");
        using (var process = Process.GetProcessById(processId))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(timeout.Token);
        }
        await notifications.WaitForResourceAsync(name,
            e => e.ResourceId == id && KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
        var started = await _app.ResourceCommands.ExecuteCommandAsync(id, KnownResourceCommands.StartCommand, timeout.Token);
        Assert.True(started.Success, $"The orchestrator did not start {id} again: {started.Message}");
        await notifications.WaitForResourceAsync(name,
            e => e.ResourceId == id && e.Snapshot.State?.Text == KnownResourceStates.Running
                && e.Snapshot.HealthStatus is null or Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
            timeout.Token);
    }

    public HttpClient CreateClient(string? accessToken = null)
    {
        var client = new HttpClient { BaseAddress = Gateway };
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
        }
        return client;
    }

    public async Task<(long Id, string Token)> SignUpAsync(string username, string password = "a long enough passphrase")
    {
        using var client = CreateClient();
        using var created = await client.PostAsJsonAsync("/api/identity/users", new { username, password });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        using var login = await client.PostAsJsonAsync("/api/identity/tokens", new { username, password });
        login.EnsureSuccessStatusCode();
        return (id, (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!);
    }

    /// <summary>A SignalR client through the gateway, WebSockets only, token in the query as a browser sends it.</summary>
    /// <param name="reconnect">How it reconnects when the connection drops; null: it does not.</param>
    public HubConnection CreateHubConnection(string accessToken, IRetryPolicy? reconnect = null)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(Gateway, "/hubs/chat"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
            });
        return (reconnect is null ? builder : builder.WithAutomaticReconnect(reconnect)).Build();
    }

    protected static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Whole-system tests run one at a time. Those that leave the system as they found it share one <see cref="ChatApp"/>;
/// a test that crashes or restarts parts starts a system of its own (a class fixture of a subclass).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SystemCollection : ICollectionFixture<ChatApp>
{
    public const string Name = "Whole system";
}
