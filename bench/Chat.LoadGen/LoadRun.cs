using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.LoadGen;

/// <summary>Runs one scenario: sets it up through the public contract, then one measured step per rate.</summary>
public sealed partial class LoadRun(LoadOptions options, ServerProcesses servers, Uri target, string targetName)
{
    private readonly string _runTag = DateTime.UtcNow.ToString("HHmmss") + Random.Shared.Next(1000).ToString("000");
    private readonly List<StepResult> _results = [];
    private IReadOnlyList<ProcessSample> _rest = [];
    private int _step;

    public IReadOnlyList<StepResult> Results => _results;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Before this run creates anything: the services at rest (when it is the first run against a fresh system).
        _rest = servers.Sample();
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
            case "storm":
                var storm = await new ReconnectStorm(options, servers, setup, clients, _runTag, targetName).RunAsync(cancellationToken);
                AddResult(storm);
                Report.Summarize($"reconnect storm ({targetName}, {options.Protocol}): {options.Connections} clients dropped at once, the last one reconnected and synced "
                    + $"after {storm.Seconds:0.00} s (per client p50 {storm.Delivery?.P50 / 1000:0.00} s, p99 {storm.Delivery?.P99 / 1000:0.00} s); "
                    + $"{storm.Acknowledged} messages sent to them at {storm.Rate:0}/s around the drop: {storm.Recovered} recovered by Sync, {storm.Lost} lost, {storm.Duplicates} dup; "
                    + $"{storm.Errors} errors, {storm.Connections} connected at the end");
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
            await RunStepsAsync(rate => RunMessagingStepAsync(clients, rate, PickOrdinary, text, c => members[c], large, cancellationToken));
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
            await RunStepsAsync(rate => RunMessagingStepAsync(clients, rate, Pick, text, c => members[c], null, cancellationToken));
        }
        finally
        {
            await DisposeAllAsync(connected);
        }
    }

    private sealed record LargeLoad(double Rate, Func<long, (ChatClient, long)> Pick, string Text);

    private string Label => $"{options.Scenario} ({targetName}, {options.Protocol})";

    /// <summary>One step per rate, or the rate search; then the server CPU per message at <see cref="LoadOptions.CpuRate"/>.</summary>
    private async Task RunStepsAsync(Func<double, Task<StepResult>> step)
    {
        var steps = new List<StepResult>();
        if (options.Search)
        {
            var (best, tried) = await new RateSearch(options).RunAsync(step);
            steps.AddRange(tried);
            Report.Summarize(best is null
                ? $"{Label}: highest passing rate: none of {string.Join(",", tried.Select(r => r.Rate))} msg/s passed"
                : $"{Label}: highest passing rate: {best.Rate:0.#} msg/s (= {best.DeliveriesPerSecond:0} deliveries/s), p99 {best.Delivery!.P99:0.0} ms"
                    + (best.Rate >= options.Rates.Max() ? " (the ladder's top: raise --rates to find the limit)" : ""));
            Report.Summarize($"{Label}: steps " + string.Join("; ", tried.Select(r =>
                r.Failure is null ? $"{r.Rate:0.#}/s pass p99 {r.Delivery?.P99:0.#} ms"
                    : $"{r.Rate:0.#}/s FAIL {r.Failure}{(r.Failure.Contains("p99", StringComparison.Ordinal) ? "" : $", p99 {r.Delivery?.P99:0.#} ms")}")));
        }
        else
        {
            foreach (var rate in options.Rates)
            {
                steps.Add(await step(rate));
            }
        }
        if (options.CpuRate is { } cpuRate)
        {
            var at = steps.FirstOrDefault(r => r.Rate == cpuRate) ?? await step(cpuRate);
            var acks = at.MessagesPerSecond * at.Seconds;
            Report.Summarize($"{Label} at {cpuRate} msg/s: server CPU {at.ServerCpuMicrosPerMessage:0.0} µs/message, {at.ServerCpuMicrosPerDelivery:0.0} µs/delivery (six services); "
                + $"dashboard+dcp {at.PlatformCpuMicrosPerMessage:0.0} µs/message, {at.PlatformCpuMicrosPerDelivery:0.0} µs/delivery = {at.PlatformCpuShare:0.0}% of all server CPU; "
                + $"AppHost+launchers {(acks == 0 ? 0 : at.HostCpuSeconds * 1e6 / acks):0.0} µs/message"
                + (at.Failure is null ? "" : $" (that step failed: {at.Failure})"));
        }
    }

    private async Task<StepResult> RunMessagingStepAsync(
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
        var window = await MeasuredWindow.MeasureAsync(servers, duration, cancellationToken);
        await Task.WhenAll(schedules);

        // Drain: wait for outstanding replies, then give deliveries time to land before counting what is missing.
        var drainLimit = Stopwatch.StartNew();
        while (Interlocked.Read(ref inFlight) > 0 && drainLimit.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100, cancellationToken);
        }
        await Task.Delay(TimeSpan.FromSeconds(options.DrainSeconds), cancellationToken);
        clients.Ledger = null;
        var (expected, lost) = ledger.CountLosses(connectedMembers);

        var seconds = duration.TotalSeconds;
        var acks = Interlocked.Read(ref ledger.MeasuredAcks);
        var deliveries = Interlocked.Read(ref ledger.MeasuredDeliveries);
        var result = new StepResult
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
            Duplicates = Interlocked.Read(ref ledger.Duplicates),
            MessagesPerSecond = Math.Round(acks / seconds, 1),
            DeliveriesPerSecond = Math.Round(deliveries / seconds, 1),
            Delivery = Latency.From(ledger.DeliveryLatency[(int)SendKind.Ordinary]),
            LargeDelivery = large is null ? null : Latency.From(ledger.DeliveryLatency[(int)SendKind.Large]),
            Ack = Latency.From(ledger.AckLatency),
            ServerCpuSeconds = Math.Round(window.ServiceCpu, 3),
            ServerCpuMicrosPerMessage = PerUnit(window.ServiceCpu, acks),
            ServerCpuMicrosPerDelivery = PerUnit(window.ServiceCpu, deliveries),
            PlatformCpuSeconds = Math.Round(window.PlatformCpu, 3),
            PlatformCpuMicrosPerMessage = PerUnit(window.PlatformCpu, acks),
            PlatformCpuMicrosPerDelivery = PerUnit(window.PlatformCpu, deliveries),
            PlatformCpuShare = window.PlatformShare,
            HostCpuSeconds = Math.Round(window.HostCpu, 3),
            LoadGenCpuPercent = Math.Round(window.LoadGenCpu / seconds * 100, 1),
            ServerRssMiB = Mib(ServerProcesses.RssBytes(window.After, ServerProcesses.ServiceKinds)),
            FirstError = ledger.FirstError,
            Processes = window.Usage,
        };
        result = result with { Failure = RateSearch.Failure(result, options.PassP99Ms) };
        AddResult(result);
        return result;
    }

    internal static double PerUnit(double cpuSeconds, double count) => count <= 0 ? 0 : Math.Round(cpuSeconds * 1e6 / count, 1);

    internal static double Mib(long bytes) => Math.Round(bytes / 1048576.0, 1);

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
            var window = await MeasuredWindow.MeasureAsync(servers, TimeSpan.FromSeconds(options.DurationSeconds), cancellationToken);
            var alive = connected.Count(c => c.Connection.State == HubConnectionState.Connected);
            var rssDelta = ServerProcesses.RssBytes(window.After, ServerProcesses.ServiceKinds) - ServerProcesses.RssBytes(before, ServerProcesses.ServiceKinds);
            double PercentOfCore(double cpu) => Math.Round(cpu / window.Seconds * 100, 2);
            var result = new StepResult
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
                ServerCpuSeconds = Math.Round(window.ServiceCpu, 3),
                PlatformCpuSeconds = Math.Round(window.PlatformCpu, 3),
                HostCpuSeconds = Math.Round(window.HostCpu, 3),
                PlatformCpuShare = window.PlatformShare,
                ServerCpuPercentOfCore = PercentOfCore(window.ServiceCpu),
                PlatformCpuPercentOfCore = PercentOfCore(window.PlatformCpu),
                HostCpuPercentOfCore = PercentOfCore(window.HostCpu),
                LoadGenCpuPercent = Math.Round(window.LoadGenCpu / window.Seconds * 100, 1),
                ServerRssMiB = Mib(ServerProcesses.RssBytes(window.After, ServerProcesses.ServiceKinds)),
                RestRssMiB = Mib(ServerProcesses.RssBytes(_rest, ServerProcesses.ServiceKinds)),
                PlatformRssMiB = Mib(ServerProcesses.RssBytes(window.After, ServerProcesses.PlatformKinds)),
                HostRssMiB = Mib(ServerProcesses.RssBytes(window.After, ServerProcesses.HostKinds)),
                Note = "RSS growth of the six services from just before connecting to the end of the window, per connection",
                // Growth from before connecting (not from the window's start), per process.
                Processes = new MeasuredWindow(before, window.After, window.Seconds, 0).Usage
                    .Select(u => u with { CpuSeconds = window.Usage.FirstOrDefault(w => w.Pid == u.Pid)?.CpuSeconds ?? 0 }).ToArray(),
                RestProcesses = _rest.Select(r => new ProcessUsage(r.Name, r.Pid, r.Kind, 0, Mib(r.RssBytes), 0)).ToArray(),
            };
            AddResult(result);
            Report.Summarize($"idle ({targetName}, {options.Protocol}): {result.Connections} connections ({result.Errors} dropped), CPU over {window.Seconds:0} s in % of one core: "
                + $"services {result.ServerCpuPercentOfCore:0.00}, dashboard+dcp {result.PlatformCpuPercentOfCore:0.00}, AppHost+launchers {result.HostCpuPercentOfCore:0.00}; "
                + $"RSS per connection {result.ServerKiBPerConnection:0.0} KiB (services' growth {Mib(rssDelta):0.0} MiB); "
                + $"six services before this run {result.RestRssMiB:0.0} MiB (at rest if it is the first; dashboard+dcp {Mib(ServerProcesses.RssBytes(_rest, ServerProcesses.PlatformKinds)):0.0} MiB, "
                + $"AppHost+launchers {Mib(ServerProcesses.RssBytes(_rest, ServerProcesses.HostKinds)):0.0} MiB)");
        }
        finally
        {
            await DisposeAllAsync(connected);
        }
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

    internal static async Task DisposeAllAsync(IEnumerable<ChatClient> clients) =>
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.DisposeAsync());

    public static void Log(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}
