using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.LoadGen;

/// <summary>The history scenario: a conversation filled through the hub or straight into SQLite, then open-loop page reads.</summary>
public sealed partial class LoadRun
{
    private const int FillWindow = 256;

    private async Task RunHistoryAsync(ChatSetup setup, ChatClients clients, CancellationToken cancellationToken)
    {
        var users = await setup.CreateUsersAsync(2, cancellationToken);
        var conversation = await setup.OpenDirectAsync(users[0], users[1], cancellationToken);
        var text = new string('h', options.TextLength);
        // Page reads ask for messages before a random seq in (first + page size, last + 1].
        long firstSeq = 1, lastSeq = options.HistoryMessages + 1;
        if (options.HistoryFill == "sqlite")
        {
            var path = options.MessagingDatabase ?? servers.FindMessagingDatabase()
                ?? throw new InvalidOperationException("No Messaging__DataDirectory in a running Chat.Messaging process; pass --messaging-db.");
            Log($"filling conversation {conversation} with {options.HistoryMessages} messages straight into {path}");
            var fillBefore = MeasuredWindow.Start(servers);
            (firstSeq, lastSeq, var seconds) = await HistoryFill.InsertAsync(path, conversation, users[0].Id, options.HistoryMessages, text, $"h{_runTag}", cancellationToken);
            var fill = fillBefore.End();
            AddResult(new StepResult
            {
                Scenario = "history-fill",
                Protocol = "sqlite",
                Target = "file",
                Rate = Math.Round(options.HistoryMessages / seconds, 1),
                Seconds = Math.Round(seconds, 1),
                Sent = options.HistoryMessages,
                Acknowledged = options.HistoryMessages,
                MessagesPerSecond = Math.Round(options.HistoryMessages / seconds, 1),
                ServerCpuSeconds = Math.Round(fill.ServiceCpu, 3),
                Note = $"rows inserted into Messaging's SQLite file, seqs {firstSeq}..{lastSeq}, not sent: fills, does not measure the append path",
            });
        }
        else
        {
            await FillThroughHubAsync(users[0], conversation, text, clients, cancellationToken);
        }

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = target, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", users[1].AccessToken);
        foreach (var rate in options.Rates)
        {
            var result = await RunHistoryStepAsync(http, conversation, rate, firstSeq + options.HistoryPageSize, lastSeq + 1, cancellationToken);
            Report.Summarize($"history ({targetName}): pages of {options.HistoryPageSize} in {lastSeq - firstSeq + 1} messages at {rate} pages/s: "
                + $"p99 {result.Delivery?.P99:0.00} ms (p50 {result.Delivery?.P50:0.00}, max {result.Delivery?.Max:0.0}), {result.Errors + result.NotSent} errors, "
                + $"server CPU {result.ServerCpuMicrosPerMessage:0} µs/page");
        }
    }

    /// <summary>Closed loop, <see cref="FillWindow"/> sends in flight on one connection: also measures the append path's ceiling.</summary>
    private async Task FillThroughHubAsync(BenchUser user, long conversation, string text, ChatClients clients, CancellationToken cancellationToken)
    {
        var sender = await clients.ConnectAsync(user, receive: false, cancellationToken);
        try
        {
            Log($"filling conversation {conversation} with {options.HistoryMessages} messages through the hub, {FillWindow} in flight");
            var fillBefore = MeasuredWindow.Start(servers);
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
            var fillCpu = fillBefore.End().ServiceCpu;
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
        }
        finally
        {
            await sender.DisposeAsync();
        }
    }

    private async Task<StepResult> RunHistoryStepAsync(HttpClient http, long conversation, double rate, long lowestBefore, long highestBefore, CancellationToken cancellationToken)
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
                var before = Random.Shared.NextInt64(lowestBefore, highestBefore + 1);
                using var response = await http.GetAsync($"/api/conversations/{conversation}/messages?before={before}&limit={options.HistoryPageSize}", cancellationToken);
                response.EnsureSuccessStatusCode();
                var page = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellationToken);
                // Every asked-for page is full: a short one means the history is not what the fill wrote.
                if (page.GetProperty("messages").GetArrayLength() != options.HistoryPageSize)
                {
                    throw new InvalidOperationException($"page before {before} has {page.GetProperty("messages").GetArrayLength()} messages, not {options.HistoryPageSize}");
                }
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
        var window = await MeasuredWindow.MeasureAsync(servers, duration, cancellationToken);
        await schedule;
        var drainLimit = Stopwatch.StartNew();
        while (Interlocked.Read(ref inFlight) > 0 && drainLimit.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100, cancellationToken);
        }
        var result = new StepResult
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
            ServerCpuSeconds = Math.Round(window.ServiceCpu, 3),
            ServerCpuMicrosPerMessage = PerUnit(window.ServiceCpu, reads),
            PlatformCpuSeconds = Math.Round(window.PlatformCpu, 3),
            PlatformCpuMicrosPerMessage = PerUnit(window.PlatformCpu, reads),
            PlatformCpuShare = window.PlatformShare,
            HostCpuSeconds = Math.Round(window.HostCpu, 3),
            LoadGenCpuPercent = Math.Round(window.LoadGenCpu / duration.TotalSeconds * 100, 1),
            FirstError = firstError,
            Processes = window.Usage,
            Note = $"pages of {options.HistoryPageSize} at random offsets in {options.HistoryMessages} messages; CPU per page read",
        };
        AddResult(result);
        return result;
    }
}
