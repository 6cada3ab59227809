using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Chat.Testing;

namespace Chat.Media.Tests;

public sealed class InternalMediaApiTests : IDisposable
{
    private readonly MediaServices _services = new();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task MessagingCanLookUpWhoUploadedAMediaIntoWhichConversation()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        var id = (await _services.UploadCreatedAsync(a, conversationId, TestImages.Png(20, 10), "p.png")).GetProperty("id").GetInt64();

        var item = await _services.Media.InternalClient().GetFromJsonAsync<JsonElement>($"/internal/media/{id}");
        using var unknown = await _services.Media.InternalClient().GetAsync($"/internal/media/{id + 1000}");

        Assert.Equal(id, item.GetProperty("id").GetInt64());
        Assert.Equal(conversationId, item.GetProperty("conversationId").GetInt64());
        Assert.Equal(a.Id, item.GetProperty("uploaderId").GetInt64());
        Assert.Equal("image/png", item.GetProperty("contentType").GetString());
        Assert.Equal((20, 10), (item.GetProperty("width").GetInt32(), item.GetProperty("height").GetInt32()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task InternalEndpointsRefuseCallersWithoutTheKeyEvenWithAUserToken()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        var id = (await _services.UploadCreatedAsync(a, conversationId, [1, 2, 3], "x.bin")).GetProperty("id").GetInt64();
        using var withToken = _services.Media.ClientFor(a);

        using var lookup = await _services.Media.CreateClient().GetAsync($"/internal/media/{id}");
        using var lookupWithToken = await withToken.GetAsync($"/internal/media/{id}");
        using var release = await withToken.PostAsJsonAsync("/internal/media/references",
            new { changes = new[] { new { mediaId = id, conversationId, seq = 1, attached = false } } });

        Assert.Equal(HttpStatusCode.Forbidden, lookup.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, lookupWithToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, release.StatusCode);
        using var stillThere = await _services.Media.ClientFor(a).GetAsync($"/api/media/{id}");
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
    }

    [Fact]
    public async Task ReleasingMediaDeletesItsBlobsOnlyWhenNoOtherMediaUsesThem()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        var shared = RandomNumberGenerator.GetBytes(2000);
        var first = (await _services.UploadCreatedAsync(a, conversationId, shared, "one.bin")).GetProperty("id").GetInt64();
        var second = (await _services.UploadCreatedAsync(a, conversationId, shared, "two.bin")).GetProperty("id").GetInt64();
        var image = (await _services.UploadCreatedAsync(a, conversationId, TestImages.Png(500, 500), "p.png")).GetProperty("id").GetInt64();
        var blobs = Path.Combine(_services.Media.DataDirectory, "blobs");
        using var client = _services.Media.InternalClient();
        object Change(long mediaId, long seq, bool attached) => new { mediaId, conversationId, seq, attached };
        using var attach = await client.PostAsJsonAsync("/internal/media/references",
            new { changes = new[] { Change(first, 1, true), Change(second, 2, true), Change(image, 2, true) } });

        using var releaseFirst = await client.PostAsJsonAsync("/internal/media/references", new { changes = new[] { Change(first, 1, false) } });
        var blobsAfterFirst = Directory.EnumerateFiles(blobs, "*", SearchOption.AllDirectories).Count();
        using var secondStill = await _services.Media.ClientFor(a).GetAsync($"/api/media/{second}");
        using var releaseRest = await client.PostAsJsonAsync("/internal/media/references",
            new { changes = new[] { Change(second, 2, false), Change(image, 2, false), Change(999_999, 3, false) } });
        var result = await releaseRest.Content.ReadFromJsonAsync<JsonElement>();
        using var firstGone = await _services.Media.ClientFor(a).GetAsync($"/api/media/{first}");

        Assert.Equal(HttpStatusCode.OK, attach.StatusCode);
        Assert.Equal(HttpStatusCode.OK, releaseFirst.StatusCode);
        Assert.Equal(3, blobsAfterFirst); // the shared bytes, the image and its thumbnail
        Assert.Equal(shared, await secondStill.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, result.GetProperty("removed").GetInt32());
        Assert.Equal(3, result.GetProperty("blobsDeleted").GetInt32());
        Assert.Empty(Directory.EnumerateFiles(blobs, "*", SearchOption.AllDirectories));
        Assert.Equal(HttpStatusCode.NotFound, firstGone.StatusCode);
    }

    [Fact]
    public async Task MoreThanAThousandChangesInOneRequestAreRefused()
    {
        var changes = Enumerable.Range(1, 1001).Select(i => new { mediaId = i, conversationId = 1, seq = i, attached = false });

        using var response = await _services.Media.InternalClient().PostAsJsonAsync("/internal/media/references", new { changes });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
