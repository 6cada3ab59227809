using System.Collections.Concurrent;
using Chat.Messaging.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using StackExchange.Redis;

namespace Chat.Messaging.Hubs;

/// <summary>
/// The hub's connections on this replica, and the Redis backplane that reaches the others. A push to a set of users
/// is serialised once (per hub protocol), written straight to this replica's connections of those users, and
/// published as <em>one</em> Redis message on one channel that every replica subscribes to; each replica delivers it
/// to its own connections. A 50-member group message is one publish, not fifty, and a connection costs no Redis
/// subscription of its own (connecting needs no Redis round trip, so a reconnect storm does not queue on Redis).
/// While no other replica is subscribed — the one-machine case — nothing is published at all: every replica
/// announces itself on the channel when it starts and every few seconds, and the count of subscribers that PUBLISH
/// returns says whether anyone else is listening.
/// <para>
/// Pushes are hints (the store is the truth), but a client must learn when it missed one. Every replica numbers what
/// it sends to the others, announcements included, and a push it had no listener to publish to still uses a number.
/// A replica that sees a number skipped — a publish failed, or its own subscription was down while Redis restarted —
/// tells each of its connections to <see cref="IChatClient.Resync"/>; the announcements every few seconds reveal a
/// gap even when no later message does.
/// </para>
/// </summary>
/// <remarks>
/// Groups are not supported: Chat addresses users (every device of a member) and connections, and the member list
/// of a conversation is read in the same transaction as the message, so nobody removed from it is ever addressed.
/// </remarks>
public sealed partial class ChatBackplane : HubLifetimeManager<ChatHub>, IHostedService, IDisposable
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("chat:hub");

    private static readonly TimeSpan AnnounceInterval = TimeSpan.FromSeconds(5);

    /// <summary>A replica not heard of for this long is forgotten (replicas get a new id each time they start).</summary>
    private static readonly TimeSpan ForgetOriginAfter = TimeSpan.FromHours(1);

    private static readonly SerializedHubMessage ResyncMessage = new(new InvocationMessage(nameof(IChatClient.Resync), []));

    private readonly ConcurrentDictionary<string, HubConnectionContext> _connections = new(StringComparer.Ordinal);
    // Read without locks by every push; changed only under _usersLock, so an add never races a removal of the same user.
    private readonly ConcurrentDictionary<string, UserConnections> _users = new(StringComparer.Ordinal);
    private readonly Lock _usersLock = new();
    private readonly IConnectionMultiplexer _redis;
    private readonly IReadOnlyList<IHubProtocol> _protocols;
    private readonly ILogger<ChatBackplane> _logger;
    private readonly Guid _replicaId = Guid.NewGuid();
    private readonly CancellationTokenSource _stopping = new();
    private readonly RevokedSessions _revoked;
    private readonly IDisposable _revocations;
    // Taken to number an envelope and hand it to Redis in one step, so numbers go out in order.
    private readonly Lock _publishLock = new();
    private long _lastNumber;
    // Read and written only by Receive, which the subscription calls one message at a time.
    private readonly Dictionary<Guid, (long Number, long SeenAt)> _origins = [];
    private long _originsSweptAt = Environment.TickCount64;
    private ChannelMessageQueue? _subscription;
    private Task? _announcing;
    // Ticks (Environment.TickCount64) until which another replica is known to listen; 0: none seen.
    private long _peersUntil;

    public ChatBackplane(IConnectionMultiplexer redis, IHubProtocolResolver protocols, RevokedSessions revoked, ILogger<ChatBackplane> logger)
    {
        _revoked = revoked;
        _revocations = revoked.Subscribe(sessionIds => AbortSessions(sessionIds));
        _redis = redis;
        _protocols = protocols.AllProtocols;
        _logger = logger;
    }

    private bool HasPeers => Environment.TickCount64 < Volatile.Read(ref _peersUntil);

    /// <summary>Subscribes before the server accepts connections, then announces this replica to the others.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = await _redis.GetSubscriber().SubscribeAsync(Channel);
        // One message at a time, in publish order: pushes of one conversation stay in the order they were sent.
        _subscription.OnMessage(Receive);
        // The first announcement is made before the server listens: the replicas already running know of this one
        // before any of its clients can send.
        await AnnounceOnceAsync();
        _announcing = AnnounceAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_announcing is not null)
        {
            await _announcing.ContinueWith(_ => { }, TaskScheduler.Default);
        }
        if (_subscription is not null)
        {
            await _subscription.UnsubscribeAsync();
        }
    }

    public void Dispose()
    {
        _revocations.Dispose();
        _stopping.Dispose();
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(AnnounceInterval);
        while (await WaitAsync(timer, cancellationToken))
        {
            await AnnounceOnceAsync();
        }
    }

    private async Task AnnounceOnceAsync()
    {
        try
        {
            // The answer counts the subscribers that received it, this replica included.
            if (await PublishNumbered(Envelope.Hello(_replicaId, 0)) > 1)
            {
                SeePeers();
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Without Redis nothing reaches other replicas anyway; assume they exist, so pushes resume the moment it is back.
            SeePeers();
            Log.AnnounceFailed(_logger, e);
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // Peers are assumed for three announce rounds after the last sign of one: a late tick on a busy machine does not
    // stop pushes to them, and a replica that stopped is dropped soon after.
    private void SeePeers() => Volatile.Write(ref _peersUntil, Environment.TickCount64 + 3 * (long)AnnounceInterval.TotalMilliseconds);

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        _connections[connection.ConnectionId] = connection;
        if (connection.UserIdentifier is { } userId)
        {
            lock (_usersLock)
            {
                if (_users.TryGetValue(userId, out var list))
                {
                    list.Add(connection);
                }
                else
                {
                    _users[userId] = new UserConnections(connection);
                }
            }
        }
        // A session revoked between this token's validation and now: the revocation scan may have run before the add.
        if (_revoked.IsRevoked(connection.User.GetSessionId()))
        {
            connection.Abort();
        }
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _connections.TryRemove(connection.ConnectionId, out _);
        if (connection.UserIdentifier is { } userId)
        {
            lock (_usersLock)
            {
                if (_users.TryGetValue(userId, out var list) && list.Remove(connection))
                {
                    _users.TryRemove(userId, out _);
                }
            }
        }
        return Task.CompletedTask;
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Target.All, [], [], methodName, args);

    public override Task SendAllExceptAsync(
        string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        Send(Target.All, [], excludedConnectionIds, methodName, args);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Target.Connections, [connectionId], [], methodName, args);

    public override Task SendConnectionsAsync(
        IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Target.Connections, connectionIds, [], methodName, args);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Target.Users, [userId], [], methodName, args);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Target.Users, userIds, [], methodName, args);

    /// <summary>
    /// To every connection of these users but the excluded ones, on every replica: a send's own connection learns its
    /// message from the ack, so it is not pushed the same message again.
    /// </summary>
    public Task SendUsersExceptAsync(IReadOnlyList<string> userIds, IReadOnlyList<string> excludedConnectionIds, string methodName, object?[] args) =>
        Send(Target.Users, userIds, excludedConnectionIds, methodName, args);

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        throw GroupsNotSupported();

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        throw GroupsNotSupported();

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        throw GroupsNotSupported();

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        throw GroupsNotSupported();

    public override Task SendGroupExceptAsync(
        string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        throw GroupsNotSupported();

    private static NotSupportedException GroupsNotSupported() =>
        new("Chat's hub addresses users and connections; conversation members are read with each message, so SignalR groups are not used.");

    /// <summary>
    /// Writes to this replica's connections now (in call order, so one conversation's pushes leave in order) and
    /// publishes once for the other replicas. The returned task completes when the local writes are flushed.
    /// </summary>
    private Task Send(Target target, IReadOnlyList<string> ids, IReadOnlyList<string> excluded, string methodName, object?[] args)
    {
        var serialized = new SerializedHubMessage(new InvocationMessage(methodName, args));
        List<Task>? pending = null;
        var allLocal = DeliverLocally(target, ids, excluded, serialized, ref pending);
        if (!allLocal)
        {
            if (HasPeers)
            {
                Publish(Envelope.Push(_replicaId, 0, target, ids, excluded, _protocols, serialized));
            }
            else
            {
                // Nobody to tell; a replica that was listening after all sees the skipped number.
                lock (_publishLock)
                {
                    _lastNumber++;
                }
            }
        }
        return pending is null ? Task.CompletedTask : Task.WhenAll(pending);
    }

    /// <summary>
    /// Writes to this replica's connections among the targets. True when every target was found here (only ever for
    /// connection ids: users and "all" may have connections on other replicas too).
    /// </summary>
    private bool DeliverLocally(
        Target target, IReadOnlyList<string> ids, IReadOnlyList<string> excluded, SerializedHubMessage serialized, ref List<Task>? pending)
    {
        switch (target)
        {
            case Target.All:
                foreach (var connection in _connections.Values)
                {
                    if (!Contains(excluded, connection.ConnectionId))
                    {
                        Write(connection, serialized, ref pending);
                    }
                }
                return false;
            case Target.Users:
                foreach (var userId in ids)
                {
                    if (_users.TryGetValue(userId, out var list))
                    {
                        list.WriteAll(serialized, excluded, ref pending);
                    }
                }
                return false;
            default:
                var allLocal = true;
                foreach (var connectionId in ids)
                {
                    if (_connections.TryGetValue(connectionId, out var connection))
                    {
                        Write(connection, serialized, ref pending);
                    }
                    else
                    {
                        allLocal = false;
                    }
                }
                return allLocal;
        }
    }

    private void Publish(byte[] envelope)
    {
        var publish = PublishNumbered(envelope);
        if (!publish.IsCompletedSuccessfully)
        {
            _ = ObservePublishAsync(publish);
        }
    }

    /// <summary>Gives the envelope the next number and queues it on the connection, which keeps the order.</summary>
    private Task<long> PublishNumbered(byte[] envelope)
    {
        lock (_publishLock)
        {
            Envelope.SetNumber(envelope, ++_lastNumber);
            return _redis.GetSubscriber().PublishAsync(Channel, envelope);
        }
    }

    private async Task ObservePublishAsync(Task<long> publish)
    {
        try
        {
            await publish;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Pushes are hints: the other replicas' clients repair the gap from the store.
            Log.PublishFailed(_logger, e);
        }
    }

    private void Receive(ChannelMessage message)
    {
        try
        {
            var envelope = Envelope.Read((ReadOnlyMemory<byte>)message.Message);
            if (envelope.Origin == _replicaId)
            {
                return;
            }
            SeePeers();
            if (!Follows(envelope.Origin, envelope.Number))
            {
                Log.PushesMissed(_logger, envelope.Origin);
                List<Task>? resyncs = null;
                DeliverLocally(Target.All, [], [], ResyncMessage, ref resyncs);
            }
            if (envelope.Message is not { } serialized)
            {
                return;
            }
            List<Task>? pending = null;
            DeliverLocally(envelope.Target, envelope.Ids, envelope.Excluded, serialized, ref pending);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            Log.MalformedEnvelope(_logger, e);
        }
    }

    /// <summary>
    /// Records the number as the latest from that replica; false when numbers were skipped since the last one seen. A
    /// replica seen for the first time starts its count here (its earlier pushes were for connections made before).
    /// </summary>
    private bool Follows(Guid origin, long number)
    {
        var now = Environment.TickCount64;
        if (now - _originsSweptAt > AnnounceInterval.TotalMilliseconds * 12)
        {
            _originsSweptAt = now;
            foreach (var (id, seen) in _origins)
            {
                if (now - seen.SeenAt > ForgetOriginAfter.TotalMilliseconds)
                {
                    _origins.Remove(id);
                }
            }
        }
        var follows = !_origins.TryGetValue(origin, out var last) || number == last.Number + 1;
        _origins[origin] = (Math.Max(number, last.Number), now);
        return follows;
    }

    private static void Write(HubConnectionContext connection, SerializedHubMessage message, ref List<Task>? pending)
    {
        // A failed write aborts that connection inside SignalR; the others go on.
        var write = connection.WriteAsync(message);
        if (!write.IsCompletedSuccessfully)
        {
            (pending ??= []).Add(write.AsTask());
        }
    }

    private static bool Contains(IReadOnlyList<string> ids, string id)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (string.Equals(ids[i], id, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// A user's connections on this replica: usually one or two, so an array replaced on change (under the
    /// backplane's lock) and read without one.
    /// </summary>
    private sealed class UserConnections(HubConnectionContext first)
    {
        private HubConnectionContext[] _items = [first];

        public void Add(HubConnectionContext connection) => Volatile.Write(ref _items, [.. _items, connection]);

        /// <summary>True when this removed the last connection.</summary>
        public bool Remove(HubConnectionContext connection)
        {
            var remaining = Array.FindAll(_items, c => c != connection);
            Volatile.Write(ref _items, remaining);
            return remaining.Length == 0;
        }

        public void WriteAll(SerializedHubMessage message, IReadOnlyList<string> excluded, ref List<Task>? pending)
        {
            foreach (var connection in Volatile.Read(ref _items))
            {
                if (excluded.Count == 0 || !Contains(excluded, connection.ConnectionId))
                {
                    Write(connection, message, ref pending);
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Publishing a push to the other replicas failed; their clients repair from the store")]
        public static partial void PublishFailed(ILogger logger, Exception exception);

        [LoggerMessage(2, LogLevel.Warning, "Announcing this replica on the backplane failed; retrying")]
        public static partial void AnnounceFailed(ILogger logger, Exception exception);

        [LoggerMessage(3, LogLevel.Warning, "A backplane message could not be read and was dropped")]
        public static partial void MalformedEnvelope(ILogger logger, Exception exception);

        [LoggerMessage(4, LogLevel.Warning, "Pushes from replica {Origin} were missed; this replica's clients are told to sync")]
        public static partial void PushesMissed(ILogger logger, Guid origin);
    }
}
