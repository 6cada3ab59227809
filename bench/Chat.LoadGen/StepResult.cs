namespace Chat.LoadGen;

/// <summary>Latency percentiles in milliseconds.</summary>
public sealed record Latency(long Count, double P50, double P90, double P99, double P999, double Max, double Mean)
{
    public static Latency From(LatencyHistogram histogram) => new(histogram.Count,
        Ms(histogram.Percentile(50)), Ms(histogram.Percentile(90)), Ms(histogram.Percentile(99)),
        Ms(histogram.Percentile(99.9)), Ms(histogram.Max), Math.Round(histogram.Mean / 1000, 3));

    private static double Ms(long microseconds) => Math.Round(microseconds / 1000.0, 3);
}

public sealed record ProcessUsage(string Name, int Pid, double CpuSeconds, double RssMiB, double RssDeltaMiB);

/// <summary>One measured step: a scenario at one rate.</summary>
public sealed record StepResult
{
    public required string Scenario { get; init; }
    public required string Protocol { get; init; }
    public required string Target { get; init; }
    public required double Rate { get; init; }
    public required double Seconds { get; init; }
    public long Sent { get; init; }
    public long Acknowledged { get; init; }
    public long Errors { get; init; }
    public long NotSent { get; init; }
    public long ExpectedDeliveries { get; init; }
    public long Deliveries { get; init; }
    public long Lost { get; init; }
    public long LostEchoes { get; init; }
    public long Duplicates { get; init; }
    public double MessagesPerSecond { get; init; }
    public double DeliveriesPerSecond { get; init; }
    public Latency? Delivery { get; init; }
    public Latency? LargeDelivery { get; init; }
    public Latency? Ack { get; init; }
    public double ServerCpuSeconds { get; init; }
    public double ServerCpuMicrosPerMessage { get; init; }
    public double ServerCpuMicrosPerDelivery { get; init; }
    public double LoadGenCpuPercent { get; init; }
    public double ServerRssMiB { get; init; }
    public int Connections { get; init; }
    public double ConnectsPerSecond { get; init; }
    public double ServerKiBPerConnection { get; init; }
    public string? FirstError { get; init; }
    public string? Note { get; init; }
    public IReadOnlyList<ProcessUsage> Processes { get; init; } = [];
}
