using System.Globalization;
using System.Text.Json;

namespace Chat.LoadGen;

/// <summary>The results as a table on stdout and as JSON.</summary>
public static class Report
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static readonly string Header = string.Format(CultureInfo.InvariantCulture,
        "{0,-12} {1,-11} {2,-9} {3,8} {4,9} {5,11} {6,6} {7,6} {8,5} {9,8} {10,8} {11,8} {12,8} {13,8} {14,9} {15,9} {16,6} {17,7} {18}",
        "scenario", "protocol", "target", "rate/s", "msgs/s", "deliv/s", "errors", "lost", "dup", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "cpu µs/m", "cpu µs/d", "aux%", "lg cpu%", "verdict");

    private static readonly List<string> SummaryLines = [];

    private static bool _headerPrinted;

    public static void PrintLine(StepResult r)
    {
        if (!_headerPrinted)
        {
            Console.WriteLine(Header);
            _headerPrinted = true;
        }
        if (r.Scenario == "connections")
        {
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "{0,-12} {1,-11} {2,-9} {3} connections held, {4} dropped, {5:0.0} connects/s, {6:0.0} KiB server RSS per connection, server RSS {7:0.0} MiB, "
                + "idle CPU % of a core: services {8:0.00}, dashboard+dcp {9:0.00}, AppHost+launchers {10:0.00}",
                r.Scenario, r.Protocol, r.Target, r.Connections, r.Errors, r.ConnectsPerSecond, r.ServerKiBPerConnection, r.ServerRssMiB,
                r.ServerCpuPercentOfCore, r.PlatformCpuPercentOfCore, r.HostCpuPercentOfCore));
            return;
        }
        if (r.Scenario == "storm")
        {
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "{0,-12} {1,-11} {2,-9} {3} clients dropped, all back and synced after {4:0.00} s ({5} failed), per client p50 {6:0} ms p99 {7:0} ms; "
                + "{8} sends acknowledged, {9} recovered by Sync, {10} lost, {11} dup, {12} both pushed and synced",
                r.Scenario, r.Protocol, r.Target, r.Connections, r.Seconds, r.Errors, r.Delivery?.P50, r.Delivery?.P99,
                r.Acknowledged, r.Recovered, r.Lost, r.Duplicates, r.Overlap));
            if (r.FirstError is not null)
            {
                Console.WriteLine($"{"",-12} first error: {r.FirstError}");
            }
            return;
        }
        var d = r.Delivery;
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "{0,-12} {1,-11} {2,-9} {3,8:0.#} {4,9:0.0} {5,11:0.0} {6,6} {7,6} {8,5} {9,8:0.00} {10,8:0.00} {11,8:0.00} {12,8:0.00} {13,8:0.0} {14,9:0.0} {15,9:0.0} {16,6:0.0} {17,7:0.0} {18}",
            r.Scenario, r.Protocol, r.Target, r.Rate, r.MessagesPerSecond, r.DeliveriesPerSecond, r.Errors + r.NotSent, r.Lost, r.Duplicates,
            d?.P50, d?.P90, d?.P99, d?.P999, d?.Max, r.ServerCpuMicrosPerMessage, r.ServerCpuMicrosPerDelivery, r.PlatformCpuShare, r.LoadGenCpuPercent,
            r.Scenario is "direct" or "group" or "large" ? r.Failure is null ? "pass" : "FAIL: " + r.Failure : ""));
        if (r.LargeDelivery is { Count: > 0 } large)
        {
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "{0,-12} large messages: {1} delivered, p50 {2:0.00} ms, p99 {3:0.00} ms, max {4:0.0} ms", "", large.Count, large.P50, large.P99, large.Max));
        }
        if (r.FirstError is not null)
        {
            Console.WriteLine($"{"",-12} first error: {r.FirstError}");
        }
    }

    /// <summary>A line for the run's final summary.</summary>
    public static void Summarize(string line) => SummaryLines.Add(line);

    public static string Number(double value, string format = "0.#") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Prints the summary lines and appends them to <paramref name="path"/> when given.</summary>
    public static async Task WriteSummaryAsync(string? path)
    {
        if (SummaryLines.Count == 0)
        {
            return;
        }
        Console.WriteLine();
        Console.WriteLine("summary:");
        foreach (var line in SummaryLines)
        {
            Console.WriteLine("  " + line);
        }
        if (path is not null)
        {
            await File.AppendAllLinesAsync(path, SummaryLines);
        }
    }

    public static async Task WriteJsonAsync(string path, LoadOptions options, IReadOnlyList<StepResult> results)
    {
        var document = new
        {
            Machine = new { Environment.ProcessorCount, Os = Environment.OSVersion.VersionString, Runtime = Environment.Version.ToString() },
            StartedArguments = Environment.GetCommandLineArgs().Skip(1).ToArray(),
            Options = options,
            Results = results,
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, Json));
    }
}
