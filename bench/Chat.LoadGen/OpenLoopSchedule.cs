using System.Diagnostics;

namespace Chat.LoadGen;

/// <summary>
/// Fires operations at a fixed rate by their intended times, whether or not earlier ones have finished (open loop):
/// when the generator falls behind it catches up in a burst instead of quietly sending less.
/// </summary>
public static class OpenLoopSchedule
{
    /// <param name="fire">Called with the operation's number, its intended Stopwatch timestamp and whether it falls in the measured window.</param>
    public static async Task RunAsync(double rate, TimeSpan warmup, TimeSpan duration, Action<long, long, bool> fire, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var frequency = (double)Stopwatch.Frequency;
        var total = (long)(rate * (warmup + duration).TotalSeconds);
        var measuredFrom = (long)(rate * warmup.TotalSeconds);
        long next = 0;
        while (next < total && !cancellationToken.IsCancellationRequested)
        {
            var elapsed = (Stopwatch.GetTimestamp() - start) / frequency;
            var due = Math.Min(total, (long)(elapsed * rate) + 1);
            for (; next < due; next++)
            {
                fire(next, start + (long)(next / rate * frequency), next >= measuredFrom);
            }
            await Task.Delay(1, CancellationToken.None);
        }
    }
}
