using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.LoadGen;

/// <summary>Runs one scenario: sets it up through the public contract, then one measured step per rate.</summary>
public sealed class LoadRun(LoadOptions options, ServerProcesses servers, Uri target, string targetName)
{
    private const int FillWindow = 256;

    private readonly string _runTag = DateTime.UtcNow.ToString("HHmmss") + Random.Shared.Next(1000).ToString("000");
    private readonly List<StepResult> _results = [];
    private int _step;

    public IReadOnlyList<StepResult> Results => _results;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var setup = new ChatSetup(options.Api, _runTag);
        var clients = new ChatClients(target, options.UsesMessagePack);
        switch (options.Scenario)
        {
            case "direct":
                await RunDirectAsync(setup, clients, largeMessages: false, cancellationToken);
                break;
            case "large":
                await RunDirectAsync(setup, clients, largeMessages: true, cancellationToken);
                break;
            case "group":
                await RunGroupAsync(setup, clients, cancellationToken);
                break;
            case "connections":
                await RunConnectionsAsync(setup, clients, cancellationToken);
                break;
            case "history":
                await RunHistoryAsync(setup, clients, cancellationToken);
                break;
        }
    }

    private async Task RunDirectAsync(ChatSetup setup, ChatClients clients, bool largeMessages, CancellationToken cancellationToken)
    {
        var pairs = options.Pairs + (largeMessages ? 1 : 0);
        Log($"creating {2 * pairs} users and {pairs} direct conversations");
        var users = await setup.CreateUsersAsync(2 * pairs, cancellationToken);
        var conversations = new long[pairs];
        var members = new Dictionary<long, IReadOnlyList<long>>();
        await Parallel.ForAsync(0, pairs, cancellationToken, async (p, token) =>
            conversations[p] = await setup.OpenDirectAsync(users[2 * p], users[2 * p + 1], token));
        for (var p = 0; p < pairs; p++)
        {
            members[conversations[p]] = [users[2 * p].Id, users[2 * p + 1].Id];
        }
        Log($"connecting {users.Length} clients to {target} ({options.Protocol})");
        var connected = await clients.ConnectAllAsync(users, options.ConnectConcurrency, receive: true, cancellationToken);
        try
        {
            await ProbeAsync(clients, connected[0], connected[1], conversations[0], cancellationToken);
            var text = new string('x', options.TextLength);
            // With large messages, pair 0 carries them and the others carry the ordinary load whose latency must not suffer.
            var first = largeMessages ? 1 : 0;
            var ordinaryPairs = pairs - first;
            (ChatClient, long) PickOrdinary(long n)
            {
                var pair = first + (int)(n % ordinaryPairs);
                var side = (int)(n / ordinaryPairs % 2);
                return (connected[2 * pair + side], conversations[pair]);
            }
            var large = largeMessages
                ? new LargeLoad(options.LargeRate, n => (connected[(int)(n % 2)], conversations[0]), new string('L', options.LargeLength))
                : null;
            foreach (var rate in options.Rates)
            {
                await RunMessagingStepAsync(clients, rate, PickOrdinary, text, c => members[c], large, cancellationToken);
            }
        }
        finally
        {
            await DisposeAllAsync(connected);
        }
    }

    private async Task RunGroupAsync(ChatSetup setup, ChatClients clients, CancellationToken cancellationToken)
    {
        Log($"creating {options.GroupUsers} users and {options.Groups} groups of {options.GroupSize}");
        var users = await setup.CreateUsersAsync(options.GroupUsers, cancellationToken);
        var groupMembers = new int[options.Groups][];
        var conversations = new long[options.Groups];
        var members = new Dictionary<long, IReadOnlyList<long>>();
        for (var g = 0; g < options.Groups; g++)
        {
            groupMembers[g] = Enumerable.Range(0, options.GroupSize).Select(k => (g * options.GroupSize + k) % users.Length).ToArray();
        }
        await Parallel.ForAsync(0, options.Groups, cancellationToken, async (g, token) =>
            conversations[g] = await setup.CreateGroupAsync(users[groupMembers[g][0]], groupMembers[g][1..].Select(i => users[i]), $"bench {g}", token));
        for (var g = 0; g < options.Groups; g++)
        {
            members[conversations[g]] = groupMembers[g].Select(i => users[i].Id).ToArray();
        }
        Log($"connecting {users.Length} clients to {target} ({options.Protocol})");
        var connected = await clients.ConnectAllAsync(users, options.ConnectConcurrency, receive: true, cancellationToken);
        try
        {
            await ProbeAsync(clients, connected[groupMembers[0][0]], connected[groupMembers[0][1]], conversations[0], cancellationToken);
            var text = new string('x', options.TextLength);
            (ChatClient, long) Pick(long n)
            {
                var g = (int)(n % options.Groups);
                var sender = groupMembers[g][(int)(n / options.Groups % options.GroupSize)];
                return (connected[sender], conversations[g]);
            }
            foreach (var rate in options.Rates)
            {
                await RunMessagingStepAsync(clients, rate, Pick, text, c => members[c], null, cancellationToken);
            }
        }
        finally
        {
            await DisposeAllAsync(connected);
        }
    }

    private sealed record LargeLoad(double Rate, Func<long, (ChatClient, long)> Pick, string Text);

    private async Task RunMessagingStepAsync(
        ChatClients clients, double rate, Func<long, (ChatClient Client, long Conversation)> pick, string text,
        Func<long, IReadOnlyList<long>> connectedMembers, LargeLoad? large, CancellationToken cancellationToken)
    {
        var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        var capacity = (int)((rate + (large?.Rate ?? 0)) * (warmup + duration).TotalSeconds) + 16;
        var ledger = new DeliveryLedger($"{_runTag}s{++_step}", capacity);
        clients.Ledger = ledger;
        long inFlight = 0;

        Action<long, long, bool> Fire(SendKind kind, Func<long, (ChatClient, long)> choose, string body) => (n, intended, measured) =>
        {
            var (client, conversation) = choose(n);
            if (Interlocked.Read(ref inFlight) >= options.MaxInFlight
                || ledger.Reserve(intended, conversation, client.User.Id, kind, measured) is not { } send)
            {
                Interlocked.Increment(ref ledger.NotSent);
                return;
            }
            Interlocked.Increment(ref inFlight);
            _ = SendAsync(client, conversation, send.Index, send.ClientMessageId, body);
        };

        async Task SendAsync(ChatClient client, long conversation, long index, string clientMessageId, string body)
        {
            try
            {
                var reply = await client.Connection.InvokeAsync<SendReply>("SendMessage", conversation, clientMessageId, body, (long[]?)null, cancellationToken);
                ledger.Acknowledged(index, reply.Seq);
            }
            catch (Exception e)
            {
                ledger.Failed(e);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        Log($"step {_step}: {rate} msg/s{(large is null ? "" : $" + {large.Rate} large msg/s")}, {options.WarmupSeconds} s warm-up, {options.DurationSeconds} s measured");
        var schedules = new List<Task> { OpenLoopSchedule.RunAsync(rate, warmup, duration, Fire(SendKind.Ordinary, pick, text), cancellationToken) };
        if (large is not null)
        {
            schedules.Add(OpenLoopSchedule.RunAsync(large.Rate, warmup, duration, Fire(SendKind.Large, large.Pick, large.Text), cancellationToken));
        }
        await Task.Delay(warmup, cancellationToken);
        var window = await MeasureWindowAsync(duration, cancellationToken);
        await Task.WhenAll(schedules);

        // Drain: wait for outstanding replies, then give deliveries time to land before counting what is missing.
        var drainLimit = Stopwatch.StartNew();
        while (Interlocked.Read(ref inFlight) > 0 && drainLimit.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100, cancellationToken);
        }
        await Task.Delay(TimeSpan.FromSeconds(options.DrainSeconds), cancellationToken);
        clients.Ledger = null;
        var (expected, lost, lostEchoes) = ledger.CountLosses(connectedMembers);

        var seconds = duration.TotalSeconds;
        var acks = Interlocked.Read(ref ledger.MeasuredAcks);
        var deliveries = Interlocked.Read(ref ledger.MeasuredDeliveries);
        AddResult(new StepResult
        {
            Scenario = options.Scenario,
            Protocol = options.Protocol,
            Target = targetName,
            Rate = rate,
            Seconds = seconds,
            Sent = ledger.Sends,
            Acknowledged = ledger.Sends - Interlocked.Read(ref ledger.SendErrors) - Math.Max(0, Interlocked.Read(ref inFlight)),
            Errors = Interlocked.Read(ref ledger.SendErrors),
            NotSent = Interlocked.Read(ref ledger.NotSent),
            ExpectedDeliveries = expected,
            Deliveries = Interlocked.Read(ref ledger.Deliveries),
            Lost = lost,
            LostEchoes = lostEchoes,
            Duplicates = Interlocked.Read(ref ledger.Duplicates),
            MessagesPerSecond = Math.Round(acks / seconds, 1),
            DeliveriesPerSecond = Math.Round(deliveries / seconds, 1),
            Delivery = Latency.From(ledger.DeliveryLatency[(int)SendKind.Ordinary]),
            LargeDelivery = large is null ? null : Latency.From(ledger.DeliveryLatency[(int)SendKind.Large]),
            Ack = Latency.From(ledger.AckLatency),
            ServerCpuSeconds = Math.Round(window.ServerCpu, 3),
            ServerCpuMicrosPerMessage = acks == 0 ? 0 : Math.Round(window.ServerCpu * 1e6 / acks, 1),
            ServerCpuMicrosPerDelivery = deliveries == 0 ? 0 : Math.Round(window.ServerCpu * 1e6 / deliveries, 1),
            LoadGenCpuPercent = Math.Round(window.LoadGenCpu / seconds * 100, 1),
            ServerRssMiB = Math.Round(ServerProcesses.RssBytes(window.After) / 1048576.0, 1),
            FirstError = ledger.FirstError,
            Processes = window.Usage,
        });
    }

    private async Task RunConnectionsAsync(ChatSetup setup, ChatClients clients, CancellationToken cancellationToken)
    {
        Log($"creating {options.ConnectionUsers} users for {options.Connections} idle connections");
        var users = await setup.CreateUsersAsync(options.ConnectionUsers, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var before = servers.Sample();
        var owners = Enumerable.Range(0, options.Connections).Select(i => users[i % users.Length]).ToArray();
        Log($"connecting {owners.Length} clients to {target} ({options.Protocol}), {options.ConnectConcurrency} at a time");
        var connecting = Stopwatch.StartNew();
        var connected = await clients.ConnectAllAsync(owners, options.ConnectConcurrency, receive: true, cancellationToken);
        var connectSeconds = connecting.Elapsed.TotalSeconds;
        try
        {
            Log($"{connected.Length} connected in {connectSeconds:0.0} s; holding them idle for {options.DurationSeconds} s");
            await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken);
            var window = await MeasureWindowAsync(TimeSpan.FromSeconds(options.DurationSeconds), cancellationToken);
            var alive = connected.Count(c => c.Connection.State == HubConnectionState.Connected);
            var rssDelta = ServerProcesses.RssBytes(window.After) - ServerProcesses.RssBytes(before);
            AddResult(new StepResult
            {
                Scenario = options.Scenario,
                Protocol = options.Protocol,
                Target = targetName,
                Rate = 0,
                Seconds = options.DurationSeconds,
                Connections = alive,
                Errors = connected.Length - alive,
                ConnectsPerSecond = Math.Round(connected.Length / connectSeconds, 1),
                ServerKiBPerConnection = Math.Round(rssDelta / 1024.0 / connected.Length, 1),
                ServerCpuSeconds = Math.Round(window.ServerCpu, 3),
                LoadGenCpuPercent = Math.Round(window.LoadGenCpu / options.DurationSeconds * 100, 1),
                ServerRssMiB = Math.Round(ServerProcesses.RssBytes(window.After) / 1048576.0, 1),
                Note = $"RSS growth from before connecting; idle server CPU {window.ServerCpu / options.DurationSeconds * 100:0.0}% while held",
                Processes = before.Select(b => window.After.FirstOrDefault(a => a.Pid == b.Pid) is { Pid: > 0 } a
                    ? new ProcessUsage(a.Name, a.Pid, 0, Math.Round(a.RssBytes / 1048576.0, 1), Math.Round((a.RssBytes - b.RssBytes) / 1048576.0, 1))
                    : new ProcessUsage(b.Name, b.Pid, 0, 0, 0)).ToArray(),
            });
        }
        finally
        {
            await DisposeAllAsync(connected);
        }
    }

    private async Task RunHistoryAsync(ChatSetup setup, ChatClients clients, CancellationToken cancellationToken)
    {
        var users = await setup.CreateUsersAsync(2, cancellationToken);
        var conversation = await setup.OpenDirectAsync(users[0], users[1], cancellationToken);
        var sender = await clients.ConnectAsync(users[0], receive: false, cancellationToken);
        try
        {
            Log($"filling conversation {conversation} with {options.HistoryMessages} messages through the hub, {FillWindow} in flight");
            var text = new string('h', options.TextLength);
            var fillBefore = servers.Sample();
            var filling = Stopwatch.StartNew();
            using (var window = new SemaphoreSlim(FillWindow))
            {
                var pending = new List<Task>(options.HistoryMessages);
                for (var i = 0; i < options.HistoryMessages; i++)
                {
                    await window.WaitAsync(cancellationToken);
                    pending.Add(FillOneAsync(i));
                }
                await Task.WhenAll(pending);

                async Task FillOneAsync(int i)
                {
                    try
                    {
                        await sender.Connection.InvokeAsync<SendReply>("SendMessage", conversation, $"h{_runTag}-{i}", text, (long[]?)null, cancellationToken);
                    }
                    finally
                    {
                        window.Release();
                    }
                }
            }
            var fillSeconds = filling.Elapsed.TotalSeconds;
            var fillCpu = ServerProcesses.CpuSeconds(servers.Sample()) - ServerProcesses.CpuSeconds(fillBefore);
            AddResult(new StepResult
            {
                Scenario = "history-fill",
                Protocol = options.Protocol,
                Target = targetName,
                Rate = Math.Round(options.HistoryMessages / fillSeconds, 1),
                Seconds = Math.Round(fillSeconds, 1),
                Sent = options.HistoryMessages,
                Acknowledged = options.HistoryMessages,
                MessagesPerSecond = Math.Round(options.HistoryMessages / fillSeconds, 1),
                ServerCpuSeconds = Math.Round(fillCpu, 3),
                ServerCpuMicrosPerMessage = Math.Round(fillCpu * 1e6 / options.HistoryMessages, 1),
                Note = $"closed loop, {FillWindow} sends in flight on one connection: the append path's ceiling",
            });

            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = target, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new("Bearer", users[1].AccessToken);
            foreach (var rate in options.Rates)
            {
                await RunHistoryStepAsync(http, conversation, rate, cancellationToken);
            }
        }
        finally
        {
            await sender.DisposeAsync();
        }
    }

    private async Task RunHistoryStepAsync(HttpClient http, long conversation, double rate, CancellationToken cancellationToken)
    {
        var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        var latency = new LatencyHistogram();
        long errors = 0, reads = 0, inFlight = 0, notSent = 0;
        string? firstError = null;

        async Task ReadAsync(long intended, bool measured)
        {
            try
            {
                var before = Random.Shared.NextInt64(options.HistoryPageSize + 1, options.HistoryMessages + 2);
                using var response = await http.GetAsync($"/api/conversations/{conversation}/messages?before={before}&limit={options.HistoryPageSize}", cancellationToken);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellationToken);
                if (measured)
                {
                    latency.Record(DeliveryLedger.MicrosecondsSince(intended));
                    Interlocked.Increment(ref reads);
                }
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref errors);
                Interlocked.CompareExchange(ref firstError, e.Message, null);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        _step++;
        Log($"step {_step}: {rate} page reads/s of {options.HistoryPageSize}, {options.WarmupSeconds} s warm-up, {options.DurationSeconds} s measured");
        var schedule = OpenLoopSchedule.RunAsync(rate, warmup, duration, (number, intended, measured) =>
        {
            if (Interlocked.Increment(ref inFlight) > options.MaxInFlight)
            {
                Interlocked.Decrement(ref inFlight);
                Interlocked.Increment(ref notSent);
                return;
            }
            _ = ReadAsync(intended, measured);
        }, cancellationToken);
        await Task.Delay(warmup, cancellationToken);
        var window = await MeasureWindowAsync(duration, cancellationToken);
        await schedule;
        var drainLimit = Stopwatch.StartNew();
        while (Interlocked.Read(ref inFlight) > 0 && drainLimit.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100, cancellationToken);
        }
        AddResult(new StepResult
        {
            Scenario = options.Scenario,
            Protocol = "http",
            Target = targetName,
            Rate = rate,
            Seconds = duration.TotalSeconds,
            Sent = (long)(rate * (warmup + duration).TotalSeconds),
            Acknowledged = reads,
            Errors = errors,
            NotSent = notSent,
            MessagesPerSecond = Math.Round(reads / duration.TotalSeconds, 1),
            Delivery = Latency.From(latency),
            ServerCpuSeconds = Math.Round(window.ServerCpu, 3),
            ServerCpuMicrosPerMessage = reads == 0 ? 0 : Math.Round(window.ServerCpu * 1e6 / reads, 1),
            LoadGenCpuPercent = Math.Round(window.LoadGenCpu / duration.TotalSeconds * 100, 1),
            FirstError = firstError,
            Note = $"pages of {options.HistoryPageSize} at random offsets in {options.HistoryMessages} messages; CPU per page read",
        });
    }

    private sealed record MeasuredWindow(IReadOnlyList<ProcessSample> Before, IReadOnlyList<ProcessSample> After, double ServerCpu, double LoadGenCpu)
    {
        public IReadOnlyList<ProcessUsage> Usage => After.Select(a =>
        {
            var b = Before.FirstOrDefault(s => s.Pid == a.Pid);
            return new ProcessUsage(a.Name, a.Pid, Math.Round(a.CpuSeconds - b.CpuSeconds, 3), Math.Round(a.RssBytes / 1048576.0, 1),
                Math.Round((a.RssBytes - b.RssBytes) / 1048576.0, 1));
        }).ToArray();
    }

    private async Task<MeasuredWindow> MeasureWindowAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var before = servers.Sample();
        var loadGenBefore = Process.GetCurrentProcess().TotalProcessorTime;
        await Task.Delay(duration, cancellationToken);
        var after = servers.Sample();
        var loadGenCpu = (Process.GetCurrentProcess().TotalProcessorTime - loadGenBefore).TotalSeconds;
        return new MeasuredWindow(before, after, ServerProcesses.CpuSeconds(after) - ServerProcesses.CpuSeconds(before), loadGenCpu);
    }

    /// <summary>One message end to end before measuring: proves the protocol round-trips the message records.</summary>
    private async Task ProbeAsync(ChatClients clients, ChatClient from, ChatClient to, long conversation, CancellationToken cancellationToken)
    {
        var clientMessageId = $"probe{_runTag}";
        var text = "probe ✓ " + new string('p', 32);
        var arrived = new TaskCompletionSource<ReceivedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnReceived(long receiver, ReceivedMessage message)
        {
            if (receiver == to.User.Id && message.ClientMessageId == clientMessageId)
            {
                arrived.TrySetResult(message);
            }
        }
        clients.Received += OnReceived;
        try
        {
            var reply = await from.Connection.InvokeAsync<SendReply>("SendMessage", conversation, clientMessageId, text, (long[]?)null, cancellationToken);
            var message = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            if (message.Text != text || message.Seq != reply.Seq || message.SenderId != from.User.Id
                || message.ConversationId != conversation || message.CreatedAt != reply.CreatedAt)
            {
                throw new InvalidOperationException($"The {options.Protocol} round trip changed the message: seq {message.Seq}/{reply.Seq}, created {message.CreatedAt:O}/{reply.CreatedAt:O}.");
            }
            Log($"round trip over {options.Protocol} ok: seq {reply.Seq}, text, sender and createdAt intact");
        }
        finally
        {
            clients.Received -= OnReceived;
        }
    }

    private void AddResult(StepResult result)
    {
        _results.Add(result);
        Report.PrintLine(result);
    }

    private static async Task DisposeAllAsync(IEnumerable<ChatClient> clients) =>
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.DisposeAsync());

    public static void Log(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}
