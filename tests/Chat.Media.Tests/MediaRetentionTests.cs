using Chat.Media.Storage;
using Chat.Messaging.Messages;
using Chat.Messaging.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Media.Tests;

/// <summary>Retention on a Messaging clock the test moves, with Media behind it.</summary>
public sealed class MediaRetentionTests : IDisposable
{
    private readonly FakeTimeProvider _messagingTime = new(DateTimeOffset.UtcNow);
    private readonly MediaServices _services;

    public MediaRetentionTests()
    {
        _services = new MediaServices(
            messaging => messaging
                .Set("Messaging:RetentionDays", 90)
                .Set("Messaging:RetentionBatchSize", 40)
                .Set("Messaging:RetentionSweepInterval", TimeSpan.FromDays(1))
                .Clock(_messagingTime),
            // A thousand uploads from one user in seconds: far past what a person does, so past the default limit.
            media => media.Set("Media:RateLimits:Uploads:Burst", 2000).Set("Media:RateLimits:Uploads:Tokens", 2000));
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task APruneOfMoreThanAThousandAttachmentsReleasesEveryOne()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        var ids = new List<long>();
        for (var message = 0; message < 101; message++)
        {
            var uploads = await Task.WhenAll(Enumerable.Range(0, message == 100 ? 1 : 10).Select(i =>
                _services.UploadCreatedAsync(a, conversationId, BitConverter.GetBytes(message * 100 + i), "f.bin")));
            var batch = uploads.Select(u => u.GetProperty("id").GetInt64()).ToArray();
            await _services.SendAsync(a, conversationId, "see attached", batch);
            ids.AddRange(batch);
        }
        _messagingTime.Advance(TimeSpan.FromDays(91));

        // The hosted sweep may have run on the clock's move already; this pass then finds nothing left, and the end is the same.
        await _services.Messaging.Services.GetRequiredService<RetentionService>().SweepAsync(CancellationToken.None);
        var delivered = await _services.Messaging.Services.GetRequiredService<MediaReferenceDispatcher>().DrainAsync(CancellationToken.None);

        var page = await _services.Messaging.Services.GetRequiredService<IMessageStore>().GetPageAsync(conversationId, null, null, 10, CancellationToken.None);
        Assert.Empty(page.Messages);
        Assert.Empty(await _services.Messaging.Services.GetRequiredService<IMediaOutbox>().PeekAsync(10, CancellationToken.None));
        Assert.True(delivered);
        Assert.Equal(1001, ids.Count);
        var store = _services.Media.Services.GetRequiredService<IMediaStore>();
        foreach (var id in ids)
        {
            Assert.Null(await store.FindAsync(id, CancellationToken.None));
        }
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_services.Media.DataDirectory, "blobs"), "*", SearchOption.AllDirectories));
    }
}
