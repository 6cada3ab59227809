using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.LoadGen;

/// <summary>
/// Connected clients lose their connections all at once (their WebSockets aborted together, no close handshake), then
/// reconnect with the tokens they already hold (no logins) and call <c>Sync</c> with their cursors, as the web client
/// does on every reconnect. Other users keep sending to them before, during and after the drop. Measures the time from
/// the drop until the last client is back and synced, and checks that every message sent to them arrived, by push or
/// by Sync, and that the server returned none twice.
/// </summary>
public sealed class ReconnectStorm(LoadOptions options, ServerProcesses servers, ChatSetup setup, ChatClients clients, string runTag, string targetName)
{
    private const int MaxConnectAttempts = 10;
    private const int MaxSyncRounds = 100;
    private static readonly TimeSpan StormLimit = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan SendingAfterStorm = TimeSpan.FromSeconds(1);

    public async Task<StepResult> RunAsync(CancellationToken cancellationToken)
    {
        var count = options.Connections;
        var senderCount = options.StormSenders;
        var rate = options.Rates[0];
        LoadRun.Log($"creating {count} users and {senderCount} senders, each user in a direct conversation with one sender");
        var users = await setup.CreateUsersAsync(count + senderCount, cancellationToken);
        var conversations = new long[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, token) => conversations[i] = await setup.OpenDirectAsync(users[count + i % senderCount], users[i], token));

        var inboxes = Enumerable.Range(0, count).Select(_ => new Inbox()).ToArray();
        var byUser = Enumerable.Range(0, count).ToDictionary(i => users[i].Id, i => inboxes[i]);
        void OnReceived(long receiver, ReceivedMessage message)
        {
            if (byUser.TryGetValue(receiver, out var inbox))
            {
                inbox.OnPush(message);
            }
        }
        clients.Received += OnReceived;

        LoadRun.Log($"connecting {count} clients and {senderCount} senders to {options.Target} ({options.Protocol})");
        var stormClients = await clients.ConnectAllAsync(users[..count], options.ConnectConcurrency, receive: true, cancellationToken, abortable: true);
        var senders = await clients.ConnectAllAsync(users[count..], options.ConnectConcurrency, receive: false, cancellationToken);
        try
        {
            // Each client starts where a caught-up client would: holding everything the server has now.
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = options.ConnectConcurrency, CancellationToken = cancellationToken },
                async (i, token) => await SyncAsync(stormClients[i], inboxes[i], initial: true, token));

            var acknowledged = new ConcurrentQueue<(int Receiver, long Conversation, long Seq)>();
            long sendErrors = 0, inFlight = 0;
            string? firstError = null;
            var text = new string('s', options.TextLength);
            using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sending = OpenLoopSchedule.RunAsync(rate, TimeSpan.Zero, TimeSpan.FromSeconds(options.WarmupSeconds) + StormLimit + SendingAfterStorm,
                (n, _, _) =>
                {
                    var receiver = (int)(n % count);
                    Interlocked.Increment(ref inFlight);
                    _ = SendAsync(receiver, n);
                }, stopSending.Token);

            async Task SendAsync(int receiver, long n)
            {
                try
                {
                    var reply = await senders[receiver % senderCount].Connection.InvokeAsync<SendReply>(
                        "SendMessage", conversations[receiver], $"{runTag}-storm-{n}", text, (long[]?)null, cancellationToken);
                    acknowledged.Enqueue((receiver, conversations[receiver], reply.Seq));
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref sendErrors);
                    Interlocked.CompareExchange(ref firstError, "send: " + e.Message, null);
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }
            }

            LoadRun.Log($"sending {rate} msg/s to them; dropping all {count} connections in {options.WarmupSeconds} s");
            await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken);

            var closed = stormClients.Select(c =>
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                c.Connection.Closed += _ =>
                {
                    done.TrySetResult();
                    return Task.CompletedTask;
                };
                return done.Task;
            }).ToArray();
            var window = MeasuredWindow.Start(servers);
            var drop = Stopwatch.GetTimestamp();
            foreach (var client in stormClients)
            {
                client.AbortTransport();
            }
            LoadRun.Log($"dropped {count} connections; reconnecting {options.ReconnectConcurrency} at a time with the tokens they hold, then Sync");

            var back = new LatencyHistogram();
            long failures = 0, lastBack = 0, lastNoticed = 0, lastConnected = 0;
            using var limit = new SemaphoreSlim(options.ReconnectConcurrency);
            using var stormLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stormLimit.CancelAfter(StormLimit);
            await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
            {
                var acquired = false;
                try
                {
                    // The client learns of the drop from its broken socket, as it would from a network failure.
                    await closed[i].WaitAsync(TimeSpan.FromSeconds(30), stormLimit.Token);
                    InterlockedMax(ref lastNoticed, DeliveryLedger.MicrosecondsSince(drop));
                    await limit.WaitAsync(stormLimit.Token);
                    acquired = true;
                    await ReconnectAsync(stormClients[i], stormLimit.Token);
                    InterlockedMax(ref lastConnected, DeliveryLedger.MicrosecondsSince(drop));
                    await SyncAsync(stormClients[i], inboxes[i], initial: false, stormLimit.Token);
                    var elapsed = DeliveryLedger.MicrosecondsSince(drop);
                    back.Record(elapsed);
                    InterlockedMax(ref lastBack, elapsed);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstError, "reconnect: " + e.Message, null);
                }
                finally
                {
                    if (acquired)
                    {
                        limit.Release();
                    }
                }
            }));
            var stormWindow = window.End();
            var stormSeconds = Interlocked.Read(ref lastBack) / 1e6;
            LoadRun.Log($"all noticed the drop within {lastNoticed / 1e3:0} ms, were connected again within {lastConnected / 1e3:0} ms; all back and synced after {stormSeconds:0.00} s ({failures} failed); sending {SendingAfterStorm.TotalSeconds:0} s more, then draining");

            await Task.Delay(SendingAfterStorm, cancellationToken);
            stopSending.Cancel();
            await sending;
            var drainLimit = Stopwatch.StartNew();
            while (Interlocked.Read(ref inFlight) > 0 && drainLimit.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100, cancellationToken);
            }
            await Task.Delay(TimeSpan.FromSeconds(options.DrainSeconds), cancellationToken);
            clients.Received -= OnReceived;

            var lost = acknowledged.LongCount(a => !inboxes[a.Receiver].Has(a.Conversation, a.Seq));
            var connected = stormClients.Count(c => c.Connection.State == HubConnectionState.Connected);
            return new StepResult
            {
                Scenario = "storm",
                Protocol = options.Protocol,
                Target = targetName,
                Rate = rate,
                Seconds = Math.Round(stormSeconds, 3),
                Connections = connected,
                Sent = acknowledged.Count + Interlocked.Read(ref sendErrors),
                Acknowledged = acknowledged.Count,
                Errors = failures + Interlocked.Read(ref sendErrors),
                Lost = lost,
                Duplicates = inboxes.Sum(b => b.Duplicates),
                Recovered = inboxes.Sum(b => b.Recovered),
                Overlap = inboxes.Sum(b => b.Overlap),
                Delivery = Latency.From(back),
                ServerCpuSeconds = Math.Round(stormWindow.ServiceCpu, 3),
                PlatformCpuSeconds = Math.Round(stormWindow.PlatformCpu, 3),
                PlatformCpuShare = stormWindow.PlatformShare,
                HostCpuSeconds = Math.Round(stormWindow.HostCpu, 3),
                LoadGenCpuPercent = stormWindow.Seconds <= 0 ? 0 : Math.Round(stormWindow.LoadGenCpu / stormWindow.Seconds * 100, 1),
                ServerRssMiB = LoadRun.Mib(ServerProcesses.RssBytes(stormWindow.After, ServerProcesses.ServiceKinds)),
                FirstError = firstError,
                Processes = stormWindow.Usage,
                Note = $"Seconds: from the drop until the last client reconnected and completed Sync; Delivery: that time per client; "
                    + $"the last client noticed the drop after {lastNoticed / 1e3:0} ms and was connected again (before Sync) after {lastConnected / 1e3:0} ms; "
                    + $"{failures} clients failed to come back, {sendErrors} sends failed; {connected} connected at the end",
            };
        }
        finally
        {
            clients.Received -= OnReceived;
            await LoadRun.DisposeAllAsync(stormClients.Concat(senders));
        }
    }

    /// <summary>What the web client does after its connection broke: start again, with the token it holds; then it syncs.</summary>
    private static async Task ReconnectAsync(ChatClient client, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await client.Connection.StartAsync(cancellationToken);
                break;
            }
            catch (Exception) when (attempt < MaxConnectAttempts && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * attempt * attempt, 2000)), cancellationToken);
            }
        }
    }

    private static async Task SyncAsync(ChatClient client, Inbox inbox, bool initial, CancellationToken cancellationToken)
    {
        for (var round = 0; round < MaxSyncRounds; round++)
        {
            var cursors = initial && round == 0 ? null : inbox.Cursors();
            var reply = await client.Connection.InvokeAsync<SyncReply>("Sync", cursors, cancellationToken);
            inbox.OnSync(cursors ?? [], reply, initial);
            if (!reply.HasMore)
            {
                return;
            }
        }
        throw new InvalidOperationException($"Sync still had more after {MaxSyncRounds} rounds.");
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    /// <summary>
    /// What one client holds, per conversation: the seqs it got and how (push, Sync), its cursor (the highest seq it holds
    /// every seq up to, as the web client's) and the version of its last complete Sync.
    /// </summary>
    private sealed class Inbox
    {
        [Flags]
        private enum Source
        {
            Push = 1,
            Sync = 2,
        }

        private sealed class Held
        {
            public long Last;
            public long Version;
            public readonly Dictionary<long, Source> Seen = [];
        }

        private readonly Dictionary<long, Held> _conversations = [];

        /// <summary>A seq pushed twice, or one Sync returned although the cursor said it was held.</summary>
        public long Duplicates { get; private set; }

        /// <summary>Messages a Sync after the drop brought that no push had.</summary>
        public long Recovered { get; private set; }

        /// <summary>Messages that came both by push and by Sync (expected around a reconnect; the client keeps one).</summary>
        public long Overlap { get; private set; }

        public void OnPush(ReceivedMessage message)
        {
            lock (_conversations)
            {
                var held = Get(message.ConversationId);
                if (held.Seen.TryGetValue(message.Seq, out var source))
                {
                    if (source.HasFlag(Source.Push))
                    {
                        Duplicates++;
                    }
                    else
                    {
                        Overlap++;
                    }
                }
                held.Seen[message.Seq] = source | Source.Push;
                Advance(held);
            }
        }

        public SyncCursor[] Cursors()
        {
            lock (_conversations)
            {
                return _conversations.Select(c => new SyncCursor { ConversationId = c.Key, AfterSeq = c.Value.Last, AfterVersion = c.Value.Version }).ToArray();
            }
        }

        public void OnSync(SyncCursor[] sent, SyncReply reply, bool initial)
        {
            lock (_conversations)
            {
                foreach (var message in reply.Messages)
                {
                    var held = Get(message.ConversationId);
                    var cursor = sent.FirstOrDefault(c => c.ConversationId == message.ConversationId)?.AfterSeq ?? 0;
                    held.Seen.TryGetValue(message.Seq, out var source);
                    if (message.Seq <= cursor || source.HasFlag(Source.Sync))
                    {
                        Duplicates++;
                    }
                    else if (source.HasFlag(Source.Push))
                    {
                        Overlap++;
                    }
                    else if (!initial)
                    {
                        Recovered++;
                    }
                    held.Seen[message.Seq] = source | Source.Sync;
                    Advance(held);
                }
                foreach (var view in reply.Conversations)
                {
                    var held = Get(view.Id);
                    if (initial)
                    {
                        held.Last = Math.Max(held.Last, view.LastSeq);
                    }
                    // The version cursor moves only once a Sync has answered everything (as the web client's).
                    if (!reply.HasMore)
                    {
                        held.Version = Math.Max(held.Version, view.Version);
                    }
                }
            }
        }

        public bool Has(long conversationId, long seq)
        {
            lock (_conversations)
            {
                return _conversations.TryGetValue(conversationId, out var held) && (held.Seen.ContainsKey(seq) || seq <= held.Last);
            }
        }

        private Held Get(long conversationId)
        {
            if (!_conversations.TryGetValue(conversationId, out var held))
            {
                _conversations[conversationId] = held = new Held();
            }
            return held;
        }

        private static void Advance(Held held)
        {
            while (held.Seen.ContainsKey(held.Last + 1))
            {
                held.Last++;
            }
        }
    }
}
