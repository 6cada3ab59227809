using System.Net.Http.Json;
using Chat.Messaging.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Messages;

/// <summary>
/// Delivers the media outbox to Media (<c>POST /internal/media/references</c>) in chunks of at most
/// <see cref="MaxBatch"/>, retrying with backoff until Media acknowledges, then removes what was delivered. Media
/// applies a change idempotently, so a change delivered twice (a lost answer, another replica draining the same outbox,
/// the send path's own immediate attempt) counts once.
/// </summary>
public sealed class MediaReferenceDispatcher(
    IMediaOutbox outbox,
    IHttpClientFactory httpClients,
    IOptions<MessagingOptions> options,
    TimeProvider time,
    ILogger<MediaReferenceDispatcher> logger) : BackgroundService
{
    /// <summary>Media's limit per request.</summary>
    public const int MaxBatch = 1000;

    public const string HttpClientName = MediaCatalog.HttpClientName;

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How long a send waits for Media to take its attachments before leaving them to the outbox.</summary>
    public static readonly TimeSpan ImmediateDeliveryTimeout = TimeSpan.FromSeconds(2);

    // One drain at a time in this process; other replicas may drain the same outbox (deliveries are idempotent).
    private readonly SemaphoreSlim _draining = new(1, 1);
    private TaskCompletionSource _wake = NewSignal();

    /// <summary>Asks for a drain now rather than at the next poll: something was just written to the outbox.</summary>
    public void Wake() => _wake.TrySetResult();

    /// <summary>
    /// Delivers a send's attachments at once, so recipients who fetch straight away are served; on success they leave
    /// the outbox, on failure (or past <see cref="ImmediateDeliveryTimeout"/>, so a slow Media never holds up the ack)
    /// the outbox delivers them later.
    /// </summary>
    public async Task<bool> DeliverNowAsync(IReadOnlyList<MediaReferenceChange> changes)
    {
        try
        {
            using var timeout = new CancellationTokenSource(ImmediateDeliveryTimeout);
            foreach (var chunk in changes.Chunk(MaxBatch))
            {
                await SendAsync(chunk, timeout.Token);
            }
            await outbox.RemoveAsync(changes.ToArray(), CancellationToken.None);
            return true;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Telling Media about {Count} attachment change(s) failed; the outbox retries", changes.Count);
            Wake();
            return false;
        }
    }

    /// <summary>
    /// After a delete: drains the outbox at once, in the order it was written (so a release never overtakes another
    /// message's pending attachment of the same media), within <see cref="ImmediateDeliveryTimeout"/>; what is not
    /// delivered by then stays for the background drain.
    /// </summary>
    public async Task DrainNowAsync()
    {
        using var timeout = new CancellationTokenSource(ImmediateDeliveryTimeout);
        try
        {
            if (await DrainAsync(timeout.Token))
            {
                return;
            }
        }
        catch (OperationCanceledException)
        {
        }
        Wake();
    }

    /// <summary>Delivers everything pending, chunk by chunk; false when Media did not acknowledge (it stays pending).</summary>
    public async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        await _draining.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var pending = await outbox.PeekAsync(Math.Min(options.Value.MediaOutboxBatchSize, MaxBatch), cancellationToken);
                if (pending.Count == 0)
                {
                    return true;
                }
                try
                {
                    await SendAsync(pending, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Media did not acknowledge {Count} attachment change(s); retrying with backoff", pending.Count);
                    return false;
                }
                await outbox.RemoveAsync(pending.ToArray(), cancellationToken);
            }
        }
        finally
        {
            _draining.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retryDelay = FirstRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            // A fresh signal before draining, so a Wake during the drain asks for one more pass.
            Interlocked.Exchange(ref _wake, NewSignal());
            bool delivered;
            try
            {
                delivered = await DrainAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Reading the media outbox failed");
                delivered = false;
            }
            if (delivered)
            {
                retryDelay = FirstRetryDelay;
                await WaitAsync(options.Value.MediaOutboxPollInterval, _wake.Task, stoppingToken);
            }
            else
            {
                await WaitAsync(retryDelay, null, stoppingToken);
                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, options.Value.MediaOutboxMaxRetryDelay.Ticks));
            }
        }
    }

    private async Task WaitAsync(TimeSpan delay, Task? wake, CancellationToken stoppingToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var timer = Task.Delay(delay, time, waiting.Token);
        await (wake is null ? timer : Task.WhenAny(timer, wake)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // Stops the timer when the wake came first.
        await waiting.CancelAsync();
    }

    private async Task SendAsync(IReadOnlyCollection<MediaReferenceChange> changes, CancellationToken cancellationToken)
    {
        using var response = await httpClients.CreateClient(HttpClientName)
            .PostAsJsonAsync("/internal/media/references", new MediaReferences(changes), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record MediaReferences(IReadOnlyCollection<MediaReferenceChange> Changes);
}
