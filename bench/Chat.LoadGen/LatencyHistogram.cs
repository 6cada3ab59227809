using System.Numerics;

namespace Chat.LoadGen;

/// <summary>
/// Log-bucketed counts of microsecond values, HdrHistogram-style: exact below 256 µs, then 128 buckets per power of
/// two (under 1% error). Recording is lock-free, so every receiver thread can write to one histogram.
/// </summary>
public sealed class LatencyHistogram
{
    private const int ExactBuckets = 256;
    private const int SubBuckets = 128;
    private const int MaxShift = 40;

    private readonly long[] _counts = new long[ExactBuckets + MaxShift * SubBuckets];
    private long _count;
    private long _max;
    private long _sum;

    public long Count => Interlocked.Read(ref _count);

    public void Record(long microseconds)
    {
        var value = Math.Max(0, microseconds);
        Interlocked.Increment(ref _counts[Index(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        long seen;
        while (value > (seen = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, value, seen) != seen)
        {
        }
    }

    public long Max => Interlocked.Read(ref _max);

    public double Mean => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    /// <summary>The smallest bucket bound below which <paramref name="percentile"/>% of values lie (an upper bound, never flattering).</summary>
    public long Percentile(double percentile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }
        var wanted = (long)Math.Ceiling(total * percentile / 100.0);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= wanted)
            {
                return Math.Min(UpperBound(i), Max);
            }
        }
        return Max;
    }

    private static int Index(long value)
    {
        if (value < ExactBuckets)
        {
            return (int)value;
        }
        var shift = Math.Min(63 - BitOperations.LeadingZeroCount((ulong)value) - 7, MaxShift);
        var mantissa = Math.Min(value >> shift, 2 * SubBuckets - 1);
        return ExactBuckets + (shift - 1) * SubBuckets + (int)(mantissa - SubBuckets);
    }

    private static long UpperBound(int index)
    {
        if (index < ExactBuckets)
        {
            return index;
        }
        var shift = (index - ExactBuckets) / SubBuckets + 1;
        var mantissa = (index - ExactBuckets) % SubBuckets + SubBuckets;
        return ((mantissa + 1) << shift) - 1;
    }
}
