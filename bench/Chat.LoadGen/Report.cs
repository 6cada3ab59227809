using System.Globalization;
using System.Text.Json;

namespace Chat.LoadGen;

/// <summary>The results as a table on stdout and as JSON.</summary>
public static class Report
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static readonly string Header = string.Format(CultureInfo.InvariantCulture,
        "{0,-12} {1,-11} {2,-9} {3,8} {4,9} {5,11} {6,6} {7,6} {8,5} {9,8} {10,8} {11,8} {12,8} {13,8} {14,9} {15,9} {16,7}",
        "scenario", "protocol", "target", "rate/s", "msgs/s", "deliv/s", "errors", "lost", "dup", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "cpu µs/m", "cpu µs/d", "lg cpu%");

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
                "{0,-12} {1,-11} {2,-9} {3} connections held, {4} dropped, {5:0.0} connects/s, {6:0.0} KiB server RSS per connection, server RSS {7:0.0} MiB",
                r.Scenario, r.Protocol, r.Target, r.Connections, r.Errors, r.ConnectsPerSecond, r.ServerKiBPerConnection, r.ServerRssMiB));
            return;
        }
        var d = r.Delivery;
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "{0,-12} {1,-11} {2,-9} {3,8:0.#} {4,9:0.0} {5,11:0.0} {6,6} {7,6} {8,5} {9,8:0.00} {10,8:0.00} {11,8:0.00} {12,8:0.00} {13,8:0.0} {14,9:0.0} {15,9:0.0} {16,7:0.0}",
            r.Scenario, r.Protocol, r.Target, r.Rate, r.MessagesPerSecond, r.DeliveriesPerSecond, r.Errors + r.NotSent, r.Lost, r.Duplicates,
            d?.P50, d?.P90, d?.P99, d?.P999, d?.Max, r.ServerCpuMicrosPerMessage, r.ServerCpuMicrosPerDelivery, r.LoadGenCpuPercent));
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
