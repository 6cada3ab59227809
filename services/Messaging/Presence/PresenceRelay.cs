using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Chat.Messaging.Contracts;
using Chat.Messaging.Messages;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Messaging.Presence;

/// <summary>
/// Listens to Presence's change channel and tells this replica's connections of the users who share a
/// conversation with the changed user (never one blocked either way). Every replica hears every change and delivers only to its own
/// connections, so nobody gets a copy per replica. Changes inside the coalescing window collapse into the last,
/// and a user whose status ends where it was last delivered (a flap) is not announced at all.
/// </summary>
public sealed class PresenceRelay(
    IConnectionMultiplexer redis,
    PresenceReporter connections,
    PresenceAudience audience,
    IChatEvents events,
    IOptions<PresenceOptions> options,
    ILogger<PresenceRelay> logger) : BackgroundService
{
    public static readonly RedisChannel ChangesChannel = RedisChannel.Literal("chat:presence:changes");

    private const int MaxRemembered = 100_000;

    private readonly Channel<PresenceChange> _incoming = Channel.CreateUnbounded<PresenceChange>(new UnboundedChannelOptions { SingleReader = true });
    // Written by the delivery loop; entries also dropped by Forget when a block between two users ends.
    private readonly ConcurrentDictionary<long, string> _lastDelivered = [];

    /// <summary>
    /// Forgets what was last delivered for these users, so their next status is pushed even if it equals the last one
    /// (a block showed them offline to each other in between).
    /// </summary>
    public void Forget(long first, long second)
    {
        _lastDelivered.TryRemove(first, out _);
        _lastDelivered.TryRemove(second, out _);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(ChangesChannel, (_, value) =>
        {
            if (JsonSerializer.Deserialize(value.ToString(), MessagingJsonContext.Default.PresenceChange) is { } change)
            {
                _incoming.Writer.TryWrite(change);
            }
        });
        try
        {
            var pending = new Dictionary<long, PresenceChange>();
            while (await _incoming.Reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(options.Value.CoalesceWindow, stoppingToken);
                while (_incoming.Reader.TryRead(out var change))
                {
                    pending[change.UserId] = change;
                }
                foreach (var change in pending.Values)
                {
                    await DeliverAsync(change, stoppingToken);
                }
                pending.Clear();
            }
        }
        finally
        {
            await subscriber.UnsubscribeAsync(ChangesChannel);
        }
    }

    private async Task DeliverAsync(PresenceChange change, CancellationToken cancellationToken)
    {
        if (_lastDelivered.TryGetValue(change.UserId, out var last) && last == change.Status)
        {
            return;
        }
        if (_lastDelivered.Count >= MaxRemembered)
        {
            _lastDelivered.Clear();
        }
        _lastDelivered[change.UserId] = change.Status;
        try
        {
            var contacts = await audience.ContactsOfAsync(change.UserId, cancellationToken);
            var local = connections.LocalConnectionsOf(contacts);
            if (local.Count > 0)
            {
                await events.PresenceChangedAsync(change, local);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Relaying the presence of user {UserId} failed; clients read it again on reconnect", change.UserId);
        }
    }
}
