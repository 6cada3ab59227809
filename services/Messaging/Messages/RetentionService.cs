using Chat.Messaging.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Messages;

/// <summary>
/// With <see cref="MessagingOptions.RetentionDays"/> set, deletes older messages in small batches (short write
/// transactions, so sends never wait long); each batch records in the media outbox which attachments its messages held.
/// </summary>
public sealed class RetentionService(
    IMessageStore messages,
    MediaReferenceDispatcher mediaReferences,
    IOptions<MessagingOptions> options,
    TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RetentionDays is null)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.RetentionSweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Retention sweep failed; it runs again at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass: prunes everything older than the retention period, batch by batch.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.RetentionDays is not { } days)
        {
            return 0;
        }
        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(days);
        var total = 0;
        while (true)
        {
            var pruned = await messages.PruneAsync(cutoff, settings.RetentionBatchSize, cancellationToken);
            total += pruned.Count;
            if (pruned.MediaIds.Count > 0)
            {
                // The prune wrote the releases to the outbox in its own transaction; the dispatcher delivers them in chunks.
                mediaReferences.Wake();
            }
            if (pruned.Count < settings.RetentionBatchSize)
            {
                break;
            }
            // Let waiting sends take the write lock between batches.
            await Task.Yield();
        }
        if (total > 0)
        {
            logger.LogInformation("Retention pruned {Count} message(s) older than {Cutoff}", total, cutoff);
        }
        return total;
    }
}
