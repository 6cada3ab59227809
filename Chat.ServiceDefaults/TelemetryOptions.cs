namespace Microsoft.Extensions.Hosting;

/// <summary>How much each service traces (<c>Chat:Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Chat:Telemetry";

    /// <summary>
    /// New traces a service starts at most per second; requests that arrive inside a sampled trace are always traced.
    /// At human rates every request is a trace; under load the exporter and the dashboard see a steady trickle.
    /// 0 turns tracing off; a negative number traces everything.
    /// </summary>
    public double MaxTracesPerSecond { get; set; } = 10;
}
