using System.Diagnostics;
using System.Globalization;

namespace Chat.LoadGen;

/// <summary>
/// The highest rate that passes: an ascending ladder of steps that stops after two failures in a row, then bisection
/// between the highest pass and the first failure above it, every step started only if it fits the time budget.
/// </summary>
public sealed class RateSearch(LoadOptions options)
{
    /// <summary>Null when the step passed: p99 below the bar, and nothing lost, duplicated, refused, unanswered or left unsent.</summary>
    public static string? Failure(StepResult r, double maxP99Ms)
    {
        var reasons = new List<string>();
        var unanswered = r.Sent - r.Acknowledged - r.Errors;
        if (r.Delivery is not { Count: > 0 } delivery)
        {
            reasons.Add("no deliveries");
        }
        else if (delivery.P99 >= maxP99Ms)
        {
            reasons.Add($"p99 {delivery.P99.ToString("0.#", CultureInfo.InvariantCulture)} ms");
        }
        Add(r.Lost, "lost");
        Add(r.Duplicates, "dup");
        Add(r.Errors, "errors");
        Add(r.NotSent, "not sent");
        Add(unanswered, "unanswered");
        return reasons.Count == 0 ? null : string.Join(", ", reasons);

        void Add(long count, string what)
        {
            if (count > 0)
            {
                reasons.Add($"{count} {what}");
            }
        }
    }

    /// <summary>Runs the search; <paramref name="step"/> measures one rate and returns its result with <see cref="StepResult.Failure"/> set.</summary>
    public async Task<(StepResult? Best, IReadOnlyList<StepResult> Steps)> RunAsync(Func<double, Task<StepResult>> step)
    {
        var clock = Stopwatch.StartNew();
        // A failing step also waits for its backlog of replies; count a little for it.
        var stepSeconds = options.WarmupSeconds + options.DurationSeconds + options.DrainSeconds + 5;
        bool Fits() => clock.Elapsed.TotalSeconds + stepSeconds <= options.SearchSeconds;
        var steps = new List<StepResult>();
        StepResult? best = null;
        double? firstFailAbove = null;
        var failsInRow = 0;
        foreach (var rate in options.Rates.Distinct().Order())
        {
            if (!Fits())
            {
                LoadRun.Log($"search: {options.SearchSeconds} s budget reached before {rate}/s");
                break;
            }
            var result = await step(rate);
            steps.Add(result);
            if (result.Failure is null)
            {
                best = result;
                firstFailAbove = null;
                failsInRow = 0;
            }
            else
            {
                firstFailAbove ??= rate;
                if (++failsInRow == 2)
                {
                    break;
                }
            }
        }

        var low = best?.Rate ?? 0;
        var high = firstFailAbove;
        for (var i = 0; i < options.Bisect && high is { } h && Fits(); i++)
        {
            var mid = Round((low + h) / 2);
            // Close enough: within 10% of the highest pass, or no whole rate between.
            if (h - low <= Math.Max(1, low * 0.1) || mid <= low || mid >= h)
            {
                break;
            }
            var result = await step(mid);
            steps.Add(result);
            if (result.Failure is null)
            {
                best = result;
                low = mid;
            }
            else
            {
                high = mid;
            }
        }
        return (best, steps);
    }

    /// <summary>Two significant digits, so bisected rates read like the ladder's (2,500 rather than 2,437).</summary>
    private static double Round(double rate)
    {
        if (rate < 10)
        {
            return Math.Round(rate);
        }
        var unit = Math.Pow(10, Math.Floor(Math.Log10(rate)) - 1);
        return Math.Round(rate / unit) * unit;
    }
}
