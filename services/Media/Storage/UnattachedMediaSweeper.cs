using Microsoft.Extensions.Options;

namespace Chat.Media.Storage;

/// <summary>
/// Removes uploads no message took within <see cref="MediaOptions.UnattachedGracePeriod"/> (a picked file the user
/// dropped, a tab closed before sending), blobs included, in batches.
/// </summary>
public sealed class UnattachedMediaSweeper(
    MediaReclaimer reclaimer, IOptions<MediaOptions> options, TimeProvider time, ILogger<UnattachedMediaSweeper> logger) : BackgroundService
{
    public const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.UnattachedSweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Sweeping unattached uploads failed; it runs again at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass: every unattached upload older than the grace period, batch by batch.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.UnattachedGracePeriod;
        var total = 0;
        while (true)
        {
            var removal = await reclaimer.RemoveUnattachedAsync(cutoff, BatchSize, cancellationToken);
            total += removal.Removed;
            if (removal.Removed < BatchSize)
            {
                break;
            }
        }
        if (total > 0)
        {
            logger.LogInformation("Removed {Count} upload(s) no message took before {Cutoff}", total, cutoff);
        }
        return total;
    }
}
