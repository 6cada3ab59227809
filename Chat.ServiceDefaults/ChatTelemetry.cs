using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Microsoft.Extensions.Hosting;

/// <summary>The activity source and meter that Chat's own spans and counters are recorded under.</summary>
public static class ChatTelemetry
{
    public const string SourceName = "Chat";

    public static readonly ActivitySource ActivitySource = new(SourceName);

    public static readonly Meter Meter = new(SourceName);
}
