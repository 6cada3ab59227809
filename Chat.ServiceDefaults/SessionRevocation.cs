using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>A login session (refresh-token family, the access token's <c>sid</c>) that was ended, and when its last access token expires.</summary>
public sealed record RevokedSession(string SessionId, DateTimeOffset ExpiresAt);

/// <summary>One read of Identity's revocation feed: the sessions revoked since the cursor given, and the cursor to ask with next.</summary>
public sealed record RevokedSessionPage(long Cursor, IReadOnlyList<RevokedSession> Revocations);

/// <summary>Where the revocations come from: Identity's internal feed over HTTP, or Identity's own store inside Identity.</summary>
public interface IRevokedSessionFeed
{
    Task<RevokedSessionPage> ReadAsync(long after, CancellationToken cancellationToken);
}

/// <summary>
/// The sessions this process knows to be revoked, until their last access token expires. Token validation refuses
/// their tokens; holders of long-lived connections (the hub) are told, so they can close them.
/// </summary>
public sealed class RevokedSessions(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _sessions = new(StringComparer.Ordinal);
    private readonly List<Action<IReadOnlyCollection<string>>> _listeners = [];
    private readonly Lock _listenersLock = new();

    public bool IsRevoked(string? sessionId) =>
        sessionId is not null && _sessions.TryGetValue(sessionId, out var expiresAt) && expiresAt > time.GetUtcNow();

    public int Count => _sessions.Count;

    /// <summary>Calls <paramref name="listener"/> with every batch of sessions newly revoked.</summary>
    public IDisposable Subscribe(Action<IReadOnlyCollection<string>> listener)
    {
        lock (_listenersLock)
        {
            _listeners.Add(listener);
        }
        return new Subscription(this, listener);
    }

    /// <summary>Adds the revocations (known ones are ignored), forgets expired ones and tells the listeners of the new ones.</summary>
    public void Add(IEnumerable<RevokedSession> revocations)
    {
        var now = time.GetUtcNow();
        var added = new List<string>();
        foreach (var revocation in revocations)
        {
            if (revocation.ExpiresAt > now && _sessions.TryAdd(revocation.SessionId, revocation.ExpiresAt))
            {
                added.Add(revocation.SessionId);
            }
        }
        foreach (var (sessionId, expiresAt) in _sessions)
        {
            if (expiresAt <= now)
            {
                _sessions.TryRemove(sessionId, out _);
            }
        }
        if (added.Count == 0)
        {
            return;
        }
        Action<IReadOnlyCollection<string>>[] listeners;
        lock (_listenersLock)
        {
            listeners = [.. _listeners];
        }
        foreach (var listener in listeners)
        {
            listener(added);
        }
    }

    private sealed class Subscription(RevokedSessions owner, Action<IReadOnlyCollection<string>> listener) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._listenersLock)
            {
                owner._listeners.Remove(listener);
            }
        }
    }
}

/// <summary>Reads Identity's <c>/internal/identity/revocations</c> with the internal key.</summary>
internal sealed class HttpRevokedSessionFeed(IHttpClientFactory httpClients, IOptions<ChatTokenOptions> options) : IRevokedSessionFeed
{
    public const string HttpClientName = "revocations";

    public async Task<RevokedSessionPage> ReadAsync(long after, CancellationToken cancellationToken)
    {
        using var client = httpClients.CreateClient(HttpClientName);
        return await client.GetFromJsonAsync<RevokedSessionPage>($"{options.Value.RevocationsUrl}?after={after}", cancellationToken)
            ?? throw new InvalidOperationException("Identity answered the revocation feed with nothing.");
    }
}

/// <summary>
/// Polls the revocation feed once per process every <see cref="ChatTokenOptions.RevocationPollInterval"/> (not per
/// user), so a revoked session's tokens stop working everywhere within about one interval.
/// </summary>
public sealed class RevokedSessionPoller(
    IRevokedSessionFeed feed, RevokedSessions revoked, IOptions<ChatTokenOptions> options, IConfiguration configuration, ILogger<RevokedSessionPoller> logger)
    : BackgroundService
{
    private long _cursor;
    private bool _failing;

    /// <summary>One read of the feed; what the background loop does each interval (tests call it to skip the wait).</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var page = await feed.ReadAsync(Volatile.Read(ref _cursor), cancellationToken);
        revoked.Add(page.Revocations);
        Volatile.Write(ref _cursor, page.Cursor);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A process without the internal key (the gateway) validates no tokens and cannot read the feed.
        if (string.IsNullOrEmpty(configuration[$"{InternalApiOptions.SectionName}:Key"]))
        {
            return;
        }
        // The cadence is real time even where tests fake the clock, so fakes need not be advanced for polls to run.
        using var timer = new PeriodicTimer(options.Value.RevocationPollInterval, TimeProvider.System);
        do
        {
            try
            {
                await PollOnceAsync(stoppingToken);
                if (_failing)
                {
                    logger.LogInformation("The session revocation feed answers again.");
                    _failing = false;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Fail open: tokens stay valid until expiry, as before revocation was checked; logged once per outage.
                if (!_failing)
                {
                    logger.LogWarning(e, "The session revocation feed could not be read; revoked sessions stay valid until it can.");
                    _failing = true;
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

public static class SessionRevocationExtensions
{
    /// <summary>The in-memory set, the feed over HTTP (Identity replaces it with its store) and the poller.</summary>
    public static IServiceCollection AddSessionRevocation(this IServiceCollection services)
    {
        services.AddSingleton<RevokedSessions>();
        services.AddHttpClient(HttpRevokedSessionFeed.HttpClientName).AddInternalApiKey();
        services.TryAddTransient<InternalApiKeyHandler>();
        services.AddSingleton<IRevokedSessionFeed, HttpRevokedSessionFeed>();
        services.AddSingleton<RevokedSessionPoller>();
        services.AddHostedService(sp => sp.GetRequiredService<RevokedSessionPoller>());
        return services;
    }

    /// <summary>The session id of an authenticated principal, if its token carried one.</summary>
    public static string? GetSessionId(this ClaimsPrincipal user) => user.FindFirstValue(ChatClaims.SessionId);
}
