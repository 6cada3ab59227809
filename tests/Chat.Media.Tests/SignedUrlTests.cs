using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Media.Tests;

public sealed class SignedUrlTests : IDisposable
{
    private readonly MediaServices _services = new();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task TheSignedUrlsFromAnUploadWorkWithoutAnyAuthorizationHeader()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        var png = TestImages.Png(400, 200);
        var uploaded = await _services.UploadCreatedAsync(a, conversationId, png, "p.png");
        using var anonymous = _services.Media.ClientFor(null);

        using var original = await anonymous.GetAsync(uploaded.GetProperty("url").GetString());
        using var thumbnail = await anonymous.GetAsync(uploaded.GetProperty("thumbnailUrl").GetString());

        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal(png, await original.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.Equal("image/webp", thumbnail.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task InfoGivesTheOtherMemberTheMetadataAndFreshUrlsSignedForThem()
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();
        var id = (await _services.UploadSentAsync(a, conversationId, TestImages.Gif(30, 60), "g.gif")).GetProperty("id").GetInt64();

        var info = await _services.Media.ClientFor(b).GetFromJsonAsync<JsonElement>($"/api/media/{id}/info");
        using var download = await _services.Media.ClientFor(null).GetAsync(info.GetProperty("url").GetString());

        Assert.Equal((30, 60), (info.GetProperty("width").GetInt32(), info.GetProperty("height").GetInt32()));
        Assert.Contains($"uid={b.Id}", info.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
    }

    [Fact]
    public async Task ASignedUrlStopsWorkingOnceItHasExpired()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        var url = (await _services.UploadCreatedAsync(a, conversationId, [1, 2, 3], "x.bin")).GetProperty("url").GetString();
        using var anonymous = _services.Media.ClientFor(null);

        _services.Time.Advance(TimeSpan.FromMinutes(9));
        using var beforeExpiry = await anonymous.GetAsync(url);
        _services.Time.Advance(TimeSpan.FromMinutes(1));
        using var afterExpiry = await anonymous.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, beforeExpiry.StatusCode);
        await AssertProblemAsync(afterExpiry, HttpStatusCode.Unauthorized, "invalid-signature");
    }

    [Fact]
    public async Task ATamperedSignedUrlIsRefused()
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();
        var first = await _services.UploadCreatedAsync(a, conversationId, [1, 2, 3], "x.bin");
        var second = await _services.UploadCreatedAsync(a, conversationId, [4, 5, 6], "y.bin");
        var url = first.GetProperty("url").GetString()!;
        var query = url[url.IndexOf('?', StringComparison.Ordinal)..];
        using var anonymous = _services.Media.ClientFor(null);

        var tampered = new[]
        {
            // Another media id under the same signature.
            $"/api/media/{second.GetProperty("id").GetInt64()}{query}",
            // Another user, or a later expiry.
            url.Replace($"uid={a.Id}", $"uid={b.Id}", StringComparison.Ordinal),
            url.Replace("exp=", "exp=9", StringComparison.Ordinal),
            // A changed signature.
            url[..^2] + (url[^2] == 'A' ? "BB" : "AA"),
        };
        foreach (var path in tampered)
        {
            using var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task ASignedUrlDoesNotStandInForATokenOnInfoOrUpload()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        var uploaded = await _services.UploadCreatedAsync(a, conversationId, [1, 2, 3], "x.bin");
        var url = uploaded.GetProperty("url").GetString()!;
        var query = url[url.IndexOf('?', StringComparison.Ordinal)..];

        using var info = await _services.Media.ClientFor(null).GetAsync($"/api/media/{uploaded.GetProperty("id").GetInt64()}/info{query}");

        Assert.Equal(HttpStatusCode.Unauthorized, info.StatusCode);
    }
}
