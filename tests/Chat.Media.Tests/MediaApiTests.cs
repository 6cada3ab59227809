using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Chat.Testing;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Media.Tests;

public sealed class MediaApiTests : IDisposable
{
    private readonly MediaServices _services = new();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task AMemberUploadsAFileAndTheOtherMemberDownloadsTheSameBytesAsAnAttachment()
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();
        var bytes = RandomNumberGenerator.GetBytes(5000);

        var uploaded = await _services.UploadSentAsync(a, conversationId, bytes, "notes.bin");
        using var download = await _services.Media.ClientFor(b).GetAsync($"/api/media/{uploaded.GetProperty("id").GetInt64()}");

        Assert.Equal(conversationId, uploaded.GetProperty("conversationId").GetInt64());
        Assert.Equal("application/octet-stream", uploaded.GetProperty("contentType").GetString());
        Assert.Equal(bytes.Length, uploaded.GetProperty("size").GetInt64());
        Assert.Equal("notes.bin", uploaded.GetProperty("fileName").GetString());
        Assert.False(uploaded.TryGetProperty("width", out _));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("private", download.Headers.CacheControl!.ToString());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("notes.bin", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    [Fact]
    public async Task AFileNamedPngThatIsReallyHtmlIsServedAsOpaqueBytesToSaveNotToRender()
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();

        var uploaded = await _services.UploadSentAsync(a, conversationId, "<html><script>alert(1)</script></html>"u8.ToArray(), "evil.png");
        using var download = await _services.Media.ClientFor(b).GetAsync($"/api/media/{uploaded.GetProperty("id").GetInt64()}");

        Assert.Equal("application/octet-stream", uploaded.GetProperty("contentType").GetString());
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Windows\\evil.exe", "evil.exe")]
    [InlineData("..", "file")]
    public async Task TheDeclaredFileNameIsReducedToAHarmlessBaseName(string declared, string expected)
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();

        var uploaded = await _services.UploadCreatedAsync(a, conversationId, [1, 2, 3], declared);

        Assert.Equal(expected, uploaded.GetProperty("fileName").GetString());
    }

    [Fact]
    public async Task AStrangerGetsNotFoundForTheMediaItsThumbnailAndItsInfo()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        var stranger = await _services.CreateUserAsync();
        var id = (await _services.UploadCreatedAsync(a, conversationId, TestImages.Png(40, 30), "p.png")).GetProperty("id").GetInt64();
        using var client = _services.Media.ClientFor(stranger);

        foreach (var path in new[] { $"/api/media/{id}", $"/api/media/{id}/thumbnail", $"/api/media/{id}/info" })
        {
            using var response = await client.GetAsync(path);
            await AssertProblemAsync(response, HttpStatusCode.NotFound, "media-not-found");
        }
    }

    [Fact]
    public async Task DownloadingWithoutATokenOrSignatureIsUnauthorized()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        var id = (await _services.UploadCreatedAsync(a, conversationId, [1, 2, 3], "x.bin")).GetProperty("id").GetInt64();

        using var response = await _services.Media.ClientFor(null).GetAsync($"/api/media/{id}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task UploadingIntoAConversationYouAreNotInIsRejected()
    {
        var (_, _, conversationId) = await _services.CreatePairAsync();
        var stranger = await _services.CreateUserAsync();

        using var upload = await _services.UploadAsync(stranger, conversationId, [1, 2, 3], "x.bin");

        Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);
    }

    [Fact]
    public async Task AFileOneByteOverTheLimitIsRejectedWith413()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();

        using var upload = await _services.UploadAsync(a, conversationId, new byte[MediaServices.MaxUploadBytes + 1], "big.bin");

        await AssertProblemAsync(upload, HttpStatusCode.RequestEntityTooLarge, "file-too-large");
    }

    [Fact]
    public async Task AFileExactlyAtTheLimitIsAccepted()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();

        using var upload = await _services.UploadAsync(a, conversationId, new byte[MediaServices.MaxUploadBytes], "edge.bin");

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
    }

    [Fact]
    public async Task AnUploadFarOverTheLimitIsRefusedWith413AndLeavesNothingStaged()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();

        using var upload = await _services.UploadAsync(a, conversationId, new byte[8 * MediaServices.MaxUploadBytes], "huge.bin");

        await AssertProblemAsync(upload, HttpStatusCode.RequestEntityTooLarge, "file-too-large");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_services.Media.DataDirectory, "staging")));
        Assert.False(Directory.Exists(Path.Combine(_services.Media.DataDirectory, "blobs")) && Directory.EnumerateFiles(Path.Combine(_services.Media.DataDirectory, "blobs"), "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task AnUploadWithoutAFilePartIsAMalformedUpload()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        using var form = new MultipartFormDataContent { { new StringContent("not a file"), "comment" } };

        using var upload = await _services.Media.ClientFor(a).PostAsync($"/api/media?conversationId={conversationId}", form);

        await AssertProblemAsync(upload, HttpStatusCode.BadRequest, "malformed-upload");
    }

    [Fact]
    public async Task ARangeRequestAnswers206WithExactlyThoseBytes()
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();
        var bytes = RandomNumberGenerator.GetBytes(1000);
        var id = (await _services.UploadSentAsync(a, conversationId, bytes, "r.bin")).GetProperty("id").GetInt64();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/media/{id}");
        request.Headers.Range = new RangeHeaderValue(100, 199);

        using var response = await _services.Media.ClientFor(b).SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(bytes[100..200], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1000, response.Content.Headers.ContentRange?.Length);
    }

    [Fact]
    public async Task TheETagIsTheContentHashAndARepeatedGetWithItAnswers304()
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();
        var bytes = RandomNumberGenerator.GetBytes(300);
        var id = (await _services.UploadSentAsync(a, conversationId, bytes, "e.bin")).GetProperty("id").GetInt64();
        using var client = _services.Media.ClientFor(b);

        using var first = await client.GetAsync($"/api/media/{id}");
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/media/{id}");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await client.SendAsync(again);

        Assert.Equal($"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))}\"", first.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task ConcurrentUploadsOfTheSameBytesMakeTwoMediaSharingOneBlob()
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();
        var bytes = RandomNumberGenerator.GetBytes(20_000);

        var uploads = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => _services.UploadCreatedAsync(a, conversationId, bytes, $"same{i}.bin")));
        var ids = uploads.Select(u => u.GetProperty("id").GetInt64()).ToArray();
        await _services.SendAsync(a, conversationId, "see attached", ids);

        Assert.NotEqual(ids[0], ids[1]);
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_services.Media.DataDirectory, "blobs"), "*", SearchOption.AllDirectories));
        foreach (var id in ids)
        {
            using var download = await _services.Media.ClientFor(b).GetAsync($"/api/media/{id}");
            Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        }
    }
}
