namespace Chat.LoadGen;

/// <summary>Latency percentiles in milliseconds.</summary>
public sealed record Latency(long Count, double P50, double P90, double P99, double P999, double Max, double Mean)
{
    public static Latency From(LatencyHistogram histogram) => new(histogram.Count,
        Ms(histogram.Percentile(50)), Ms(histogram.Percentile(90)), Ms(histogram.Percentile(99)),
        Ms(histogram.Percentile(99.9)), Ms(histogram.Max), Math.Round(histogram.Mean / 1000, 3));

    private static double Ms(long microseconds) => Math.Round(microseconds / 1000.0, 3);
}

public sealed record ProcessUsage(string Name, int Pid, ProcessKind Kind, double CpuSeconds, double RssMiB, double RssDeltaMiB);

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
    public long Duplicates { get; init; }
    public double MessagesPerSecond { get; init; }
    public double DeliveriesPerSecond { get; init; }
    public Latency? Delivery { get; init; }
    public Latency? LargeDelivery { get; init; }
    public Latency? Ack { get; init; }

    /// <summary>The six services' CPU in the measured window (dashboard, DCP and AppHost apart, below).</summary>
    public double ServerCpuSeconds { get; init; }
    public double ServerCpuMicrosPerMessage { get; init; }
    public double ServerCpuMicrosPerDelivery { get; init; }

    /// <summary>The Aspire dashboard's and DCP's CPU in the measured window.</summary>
    public double PlatformCpuSeconds { get; init; }
    public double PlatformCpuMicrosPerMessage { get; init; }
    public double PlatformCpuMicrosPerDelivery { get; init; }

    /// <summary>The dashboard's and DCP's part of all server CPU (services, dashboard, DCP, AppHost and launchers), in percent.</summary>
    public double PlatformCpuShare { get; init; }

    /// <summary>The AppHost's and the <c>dotnet run</c> launchers' CPU in the measured window.</summary>
    public double HostCpuSeconds { get; init; }

    /// <summary>Idle scenarios: CPU in percent of one core, over the measured window.</summary>
    public double ServerCpuPercentOfCore { get; init; }
    public double PlatformCpuPercentOfCore { get; init; }
    public double HostCpuPercentOfCore { get; init; }
    public double LoadGenCpuPercent { get; init; }
    public double ServerRssMiB { get; init; }

    /// <summary>The six services' RSS when the run started, before it created anything.</summary>
    public double RestRssMiB { get; init; }
    public double PlatformRssMiB { get; init; }
    public double HostRssMiB { get; init; }
    public int Connections { get; init; }
    public double ConnectsPerSecond { get; init; }
    public double ServerKiBPerConnection { get; init; }
    /// <summary>Reconnect storm: messages a client got from Sync that no push had brought, and ones that came both ways.</summary>
    public long Recovered { get; init; }
    public long Overlap { get; init; }

    /// <summary>Rate search: null when the step passed, else why it failed.</summary>
    public string? Failure { get; init; }
    public string? FirstError { get; init; }
    public string? Note { get; init; }
    public IReadOnlyList<ProcessUsage> Processes { get; init; } = [];

    /// <summary>Idle scenarios: every process's RSS when the run started (CPU fields zero).</summary>
    public IReadOnlyList<ProcessUsage> RestProcesses { get; init; } = [];
}
