using Microsoft.Extensions.Options;

namespace Chat.Presence;

/// <summary>Turns users offline whose connections expired unannounced (a crashed Messaging replica), a few times per timeout.</summary>
public sealed class PresenceSweeper(PresenceTracker tracker, IOptions<PresenceOptions> options, TimeProvider time, ILogger<PresenceSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatTimeout / 6, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var offline = await tracker.SweepExpiredAsync();
                if (offline > 0)
                {
                    logger.LogInformation("{Count} user(s) went offline when their connections expired", offline);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Presence sweep failed; it runs again shortly");
            }
        }
    }
}
