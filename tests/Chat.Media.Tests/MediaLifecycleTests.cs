using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Chat.Media.Storage;
using Chat.Messaging.Messages;
using Chat.Testing;
using Microsoft.Extensions.DependencyInjection;
using IMediaOutbox = Chat.Messaging.Storage.IMediaOutbox;
using OutboxChange = Chat.Messaging.Storage.MediaReferenceChange;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Media.Tests;

/// <summary>An upload is its uploader's until a message takes it, and goes when the last message holding it goes.</summary>
public sealed class MediaLifecycleTests : IDisposable
{
    private readonly MediaServices _services = new();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task AnUnsentUploadIsSeenOnlyByItsUploaderUntilAMessageCarriesIt()
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();
        var id = (await _services.UploadCreatedAsync(a, conversationId, TestImages.Png(40, 30), "p.png")).GetProperty("id").GetInt64();
        string[] paths = [$"/api/media/{id}", $"/api/media/{id}/thumbnail", $"/api/media/{id}/info"];

        var uploaderBefore = await StatusesAsync(a, paths);
        var otherBefore = await StatusesAsync(b, paths);
        await _services.SendAsync(a, conversationId, "see attached", id);
        var otherAfter = await StatusesAsync(b, paths);

        Assert.All(uploaderBefore, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.All(otherBefore, status => Assert.Equal(HttpStatusCode.NotFound, status));
        Assert.All(otherAfter, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task TheUploaderDeletesAnUnsentUploadWithItsBlobsAndThenGetsNotFound()
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();
        var id = (await _services.UploadCreatedAsync(a, conversationId, TestImages.Png(40, 30), "p.png")).GetProperty("id").GetInt64();

        using var bySomeoneElse = await _services.Media.ClientFor(b).DeleteAsync($"/api/media/{id}");
        using var byUploader = await _services.Media.ClientFor(a).DeleteAsync($"/api/media/{id}");
        using var afterwards = await _services.Media.ClientFor(a).GetAsync($"/api/media/{id}");

        await AssertProblemAsync(bySomeoneElse, HttpStatusCode.NotFound, "media-not-found");
        Assert.Equal(HttpStatusCode.NoContent, byUploader.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, afterwards.StatusCode);
        Assert.Empty(Blobs());
    }

    [Fact]
    public async Task DeletingAnUploadThatWasSentIsRefusedAsAttached()
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();
        var id = (await _services.UploadSentAsync(a, conversationId, [1, 2, 3], "x.bin")).GetProperty("id").GetInt64();

        using var delete = await _services.Media.ClientFor(a).DeleteAsync($"/api/media/{id}");
        using var stillThere = await _services.Media.ClientFor(b).GetAsync($"/api/media/{id}");

        await AssertProblemAsync(delete, HttpStatusCode.Conflict, "media-attached");
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
    }

    [Fact]
    public async Task TheSweeperRemovesAnOldUnsentUploadWithItsBlobsButNotASentOne()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        var sent = (await _services.UploadSentAsync(a, conversationId, TestImages.Png(40, 30), "sent.png")).GetProperty("id").GetInt64();
        var sentBlobs = Blobs();
        var unsent = (await _services.UploadCreatedAsync(a, conversationId, TestImages.Png(50, 20), "dropped.png")).GetProperty("id").GetInt64();
        var sweeper = _services.Media.Services.GetRequiredService<UnattachedMediaSweeper>();

        var early = await sweeper.SweepAsync(CancellationToken.None);
        _services.Time.Advance(TimeSpan.FromHours(25));
        await sweeper.SweepAsync(CancellationToken.None);

        Assert.Equal(0, early);
        Assert.Equal(HttpStatusCode.NotFound, await InternalStatusAsync(unsent));
        Assert.Equal(HttpStatusCode.OK, await InternalStatusAsync(sent));
        Assert.Equal(sentBlobs, Blobs());
    }

    [Fact]
    public async Task TwoUploadsInARowGetIdsThatAreNotNeighbours()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();

        var first = (await _services.UploadCreatedAsync(a, conversationId, [1], "1.bin")).GetProperty("id").GetInt64();
        var second = (await _services.UploadCreatedAsync(a, conversationId, [2], "2.bin")).GetProperty("id").GetInt64();

        Assert.True(Math.Abs(second - first) > 1_000_000, $"{first} and {second} are close enough to walk");
        Assert.InRange(first, 1, (1L << 53) - 1);
        Assert.InRange(second, 1, (1L << 53) - 1);
    }

    [Fact]
    public async Task MediaOnTwoMessagesSurvivesTheFirstDeleteAndGoesWithTheSecond()
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();
        var id = (await _services.UploadCreatedAsync(a, conversationId, RandomNumberGenerator.GetBytes(500), "twice.bin")).GetProperty("id").GetInt64();
        var first = await _services.SendAsync(a, conversationId, "see attached", id);
        var second = await _services.SendAsync(a, conversationId, "see attached", id);
        using var messaging = _services.Messaging.ClientFor(a);

        using var deleteFirst = await messaging.DeleteAsync($"/api/conversations/{conversationId}/messages/{first}");
        using var afterFirst = await _services.Media.ClientFor(b).GetAsync($"/api/media/{id}");
        using var deleteSecond = await messaging.DeleteAsync($"/api/conversations/{conversationId}/messages/{second}");
        using var afterSecond = await _services.Media.ClientFor(b).GetAsync($"/api/media/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleteFirst.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterFirst.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleteSecond.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, afterSecond.StatusCode);
        Assert.Empty(Blobs());
    }

    [Fact]
    public async Task AReleaseThatFailsWhileMediaIsDownIsDeliveredOnceMediaIsBack()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        var id = (await _services.UploadCreatedAsync(a, conversationId, RandomNumberGenerator.GetBytes(500), "late.bin")).GetProperty("id").GetInt64();
        var seq = await _services.SendAsync(a, conversationId, "see attached", id);
        var dispatcher = _services.Messaging.Services.GetRequiredService<MediaReferenceDispatcher>();
        var outbox = _services.Messaging.Services.GetRequiredService<IMediaOutbox>();
        var mediaStore = _services.Media.Services.GetRequiredService<IMediaStore>();

        _services.SetMediaDown(true);
        using var delete = await _services.Messaging.ClientFor(a).DeleteAsync($"/api/conversations/{conversationId}/messages/{seq}");
        var drainedWhileDown = await dispatcher.DrainAsync(CancellationToken.None);
        var pendingWhileDown = await outbox.PeekAsync(10, CancellationToken.None);
        var keptWhileDown = await mediaStore.FindAsync(id, CancellationToken.None);
        _services.SetMediaDown(false);
        var drainedAfter = await dispatcher.DrainAsync(CancellationToken.None);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.False(drainedWhileDown);
        Assert.Equal([new OutboxChange(id, conversationId, seq, false)], pendingWhileDown);
        Assert.NotNull(keptWhileDown);
        Assert.True(drainedAfter);
        Assert.Empty(await outbox.PeekAsync(10, CancellationToken.None));
        Assert.Null(await mediaStore.FindAsync(id, CancellationToken.None));
        Assert.Empty(Blobs());
    }

    private async Task<HttpStatusCode[]> StatusesAsync(TestUser user, IEnumerable<string> paths)
    {
        using var client = _services.Media.ClientFor(user);
        var statuses = new List<HttpStatusCode>();
        foreach (var path in paths)
        {
            using var response = await client.GetAsync(path);
            statuses.Add(response.StatusCode);
        }
        return [.. statuses];
    }

    private async Task<HttpStatusCode> InternalStatusAsync(long id)
    {
        using var response = await _services.Media.InternalClient().GetAsync($"/internal/media/{id}");
        return response.StatusCode;
    }

    private string[] Blobs()
    {
        var root = Path.Combine(_services.Media.DataDirectory, "blobs");
        return Directory.Exists(root) ? [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order()] : [];
    }
}
