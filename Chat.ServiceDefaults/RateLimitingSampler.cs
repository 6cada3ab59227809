using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Samples at most <c>tracesPerSecond</c> new traces a second (a token bucket holding one second's worth), so a
/// message sent at human rates is always a whole trace, while thousands a second cost a handful of traces, not an
/// exporter and a dashboard saturated with spans. Used as the root sampler under a parent-based one: a span whose
/// caller sampled (or dropped) its trace follows that decision, so traces stay whole across services.
/// </summary>
public sealed class RateLimitingSampler : Sampler
{
    private readonly double _tracesPerSecond;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _refilledAt;

    public RateLimitingSampler(double tracesPerSecond, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tracesPerSecond);
        _tracesPerSecond = tracesPerSecond;
        _time = time ?? TimeProvider.System;
        _tokens = tracesPerSecond;
        _refilledAt = _time.GetTimestamp();
        Description = $"RateLimitingSampler{{{tracesPerSecond}}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        new(TryTake() ? SamplingDecision.RecordAndSample : SamplingDecision.Drop);

    private bool TryTake()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_tracesPerSecond, _tokens + _time.GetElapsedTime(_refilledAt, now).TotalSeconds * _tracesPerSecond);
            _refilledAt = now;
            if (_tokens < 1)
            {
                return false;
            }
            _tokens--;
            return true;
        }
    }
}
