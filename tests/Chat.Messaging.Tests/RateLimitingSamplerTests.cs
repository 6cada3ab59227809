using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace Chat.Messaging.Tests;

public sealed class RateLimitingSamplerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void ABurstIsSampledUpToTheRateAndTheRestIsDropped()
    {
        var sampler = new RateLimitingSampler(10, _time);

        var sampled = Enumerable.Range(0, 1000).Count(_ => Samples(sampler));

        Assert.Equal(10, sampled);
    }

    [Fact]
    public void TheBudgetRefillsWithTimeButNeverBeyondOneSecondsWorth()
    {
        var sampler = new RateLimitingSampler(10, _time);
        Enumerable.Range(0, 100).Count(_ => Samples(sampler));

        _time.Advance(TimeSpan.FromMilliseconds(300));
        var afterAFraction = Enumerable.Range(0, 100).Count(_ => Samples(sampler));
        _time.Advance(TimeSpan.FromMinutes(5));
        var afterALongPause = Enumerable.Range(0, 100).Count(_ => Samples(sampler));

        Assert.Equal((3, 10), (afterAFraction, afterALongPause));
    }

    [Fact]
    public void AtHumanRatesEveryTraceIsSampled()
    {
        var sampler = new RateLimitingSampler(10, _time);

        var sampled = Enumerable.Range(0, 50).Count(_ =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            return Samples(sampler);
        });

        Assert.Equal(50, sampled);
    }

    [Fact]
    public void UnderAParentBasedSamplerAChildFollowsItsParentsDecisionWhateverTheBudget()
    {
        var sampler = new ParentBasedSampler(new RateLimitingSampler(0, _time));
        var sampledParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);

        var child = sampler.ShouldSample(new SamplingParameters(sampledParent, sampledParent.TraceId, "child", ActivityKind.Server));
        var root = sampler.ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), "root", ActivityKind.Server));

        Assert.Equal((SamplingDecision.RecordAndSample, SamplingDecision.Drop), (child.Decision, root.Decision));
    }

    private static bool Samples(Sampler sampler) =>
        sampler.ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), "request", ActivityKind.Server)).Decision
            == SamplingDecision.RecordAndSample;
}
