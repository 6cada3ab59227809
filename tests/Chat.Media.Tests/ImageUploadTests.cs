using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using SixLabors.ImageSharp;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Media.Tests;

public sealed class ImageUploadTests : IDisposable
{
    private readonly MediaServices _services = new();

    public void Dispose() => _services.Dispose();

    [Theory]
    [InlineData("png", "image/png")]
    [InlineData("jpeg", "image/jpeg")]
    [InlineData("gif", "image/gif")]
    [InlineData("webp", "image/webp")]
    public async Task AnImageOfEachFormatGetsItsSizeRecordedAndA320PixelWebpThumbnail(string format, string contentType)
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();

        var uploaded = await _services.UploadSentAsync(a, conversationId, TestImages.Of(format, 800, 400), $"picture.{format}");
        var id = uploaded.GetProperty("id").GetInt64();
        using var download = await _services.Media.ClientFor(b).GetAsync($"/api/media/{id}");
        using var thumbnail = await _services.Media.ClientFor(b).GetAsync($"/api/media/{id}/thumbnail");
        var thumbnailInfo = Image.Identify(await thumbnail.Content.ReadAsByteArrayAsync());

        Assert.Equal(contentType, uploaded.GetProperty("contentType").GetString());
        Assert.Equal(800, uploaded.GetProperty("width").GetInt32());
        Assert.Equal(400, uploaded.GetProperty("height").GetInt32());
        Assert.Equal(contentType, download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.Equal("image/webp", thumbnail.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", thumbnail.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal((320, 160), (thumbnailInfo.Width, thumbnailInfo.Height));
    }

    [Fact]
    public async Task ASmallImageIsNotEnlargedForItsThumbnail()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();

        var id = (await _services.UploadCreatedAsync(a, conversationId, TestImages.Png(50, 20), "small.png")).GetProperty("id").GetInt64();
        using var thumbnail = await _services.Media.ClientFor(a).GetAsync($"/api/media/{id}/thumbnail");
        var info = Image.Identify(await thumbnail.Content.ReadAsByteArrayAsync());

        Assert.Equal((50, 20), (info.Width, info.Height));
    }

    [Fact]
    public async Task ExifOrientationIsAppliedToTheRecordedSizeAndTheThumbnailAndTheMetadataIsStripped()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        // Orientation 6: the camera was turned, the stored landscape pixels display as portrait.
        var jpeg = TestImages.Jpeg(640, 320, exifOrientation: 6);

        var uploaded = await _services.UploadCreatedAsync(a, conversationId, jpeg, "turned.jpg");
        using var thumbnail = await _services.Media.ClientFor(a).GetAsync($"/api/media/{uploaded.GetProperty("id").GetInt64()}/thumbnail");
        using var image = Image.Load(await thumbnail.Content.ReadAsByteArrayAsync());

        Assert.Equal((320, 640), (uploaded.GetProperty("width").GetInt32(), uploaded.GetProperty("height").GetInt32()));
        Assert.Equal((160, 320), (image.Width, image.Height));
        Assert.True(image.Metadata.ExifProfile is null || image.Metadata.ExifProfile.Values.Count == 0);
    }

    [Fact]
    public async Task AFileThatStartsLikeAPngButIsNotOneIsRejectedAsACorruptImage()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        var corrupt = TestImages.Png(64, 64)[..8].Concat(new byte[500].Select((_, i) => (byte)(i * 7))).ToArray();

        using var upload = await _services.UploadAsync(a, conversationId, corrupt, "broken.png");

        await AssertProblemAsync(upload, HttpStatusCode.UnprocessableEntity, "corrupt-image");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_services.Media.DataDirectory, "blobs"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ATruncatedJpegIsRejectedAsACorruptImage()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        var jpeg = TestImages.Jpeg(200, 200);

        using var upload = await _services.UploadAsync(a, conversationId, jpeg[..20], "cut.jpg");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, upload.StatusCode);
    }

    [Fact]
    public async Task ADecompressionBombIsRejectedByTheSizeItsHeaderDeclaresBeforeAnyDecoding()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        // 60,000 × 60,000 declared over a few bytes of real data: decoding would fail (or eat 14 GB); the header check comes first.
        var bomb = TestImages.PngClaiming(60_000, 60_000);

        using var upload = await _services.UploadAsync(a, conversationId, bomb, "bomb.png");

        var problem = await AssertProblemAsync(upload, HttpStatusCode.UnprocessableEntity, "image-too-large");
        Assert.Contains("60000", problem.Detail);
    }

    [Fact]
    public async Task AnImageJustOverThePixelLimitIsRejectedAndOneAtTheLimitAccepted()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();

        using var over = await _services.UploadAsync(a, conversationId, TestImages.Png(2001, 2000), "over.png");
        using var at = await _services.UploadAsync(a, conversationId, TestImages.Png(2000, 2000), "at.png");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, over.StatusCode);
        Assert.Equal(HttpStatusCode.Created, at.StatusCode);
    }

    [Fact]
    public async Task AFileThatIsNotAnImageHasNoThumbnail()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();

        var uploaded = await _services.UploadCreatedAsync(a, conversationId, "%PDF-1.4 not much"u8.ToArray(), "doc.pdf");
        using var thumbnail = await _services.Media.ClientFor(a).GetAsync($"/api/media/{uploaded.GetProperty("id").GetInt64()}/thumbnail");

        Assert.Equal("application/pdf", uploaded.GetProperty("contentType").GetString());
        Assert.False(uploaded.TryGetProperty("thumbnailUrl", out _));
        Assert.Equal(HttpStatusCode.NotFound, thumbnail.StatusCode);
    }

    public static TheoryData<string, byte[]> AnimationBombs() => new()
    {
        // A canvas at the pixel limit and thousands of frames: each frame a decoder composes is a whole canvas.
        { "bomb.gif", TestImages.AnimatedGif(2000, 2000, 2000) },
        { "bomb.png", TestImages.AnimatedPng(2000, 2000, 1000) },
        { "bomb.webp", TestImages.AnimatedWebp(2000, 2000, 2000) },
    };

    [Theory]
    [MemberData(nameof(AnimationBombs))]
    public async Task AnAnimationWhoseFramesTimesCanvasExceedTheBudgetIsRefusedFromItsHeadersBeforeDecoding(string fileName, byte[] bomb)
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();

        using var upload = await _services.UploadAsync(a, conversationId, bomb, fileName);

        // The type names the frame policy: the refusal came from the headers, not from a decoder giving up.
        var problem = await AssertProblemAsync(upload, HttpStatusCode.UnprocessableEntity, "animation-too-large");
        Assert.Contains("2000 × 2000", problem.Detail);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_services.Media.DataDirectory, "blobs"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AGifFrameReachingOutsideItsCanvasIsRefusedAsCorrupt()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        // A 16 × 16 screen with a 1,500 × 1,500 frame: the decoder would allocate for the frame, not the canvas.
        var gif = TestImages.GifWithFrameOutsideItsCanvas(1500, 1500, 16, 16);

        using var upload = await _services.UploadAsync(a, conversationId, gif, "outside.gif");

        await AssertProblemAsync(upload, HttpStatusCode.UnprocessableEntity, "corrupt-image");
    }

    [Fact]
    public async Task AnAnimationWithinTheBudgetIsThumbnailedFromItsFirstFrame()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();

        var uploaded = await _services.UploadCreatedAsync(a, conversationId, TestImages.AnimatedGif(400, 200, 20), "small.gif");
        using var thumbnail = await _services.Media.ClientFor(a).GetAsync($"/api/media/{uploaded.GetProperty("id").GetInt64()}/thumbnail");
        using var image = Image.Load(await thumbnail.Content.ReadAsByteArrayAsync());

        Assert.Equal((400, 200), (uploaded.GetProperty("width").GetInt32(), uploaded.GetProperty("height").GetInt32()));
        Assert.Equal((320, 160), (image.Width, image.Height));
        Assert.Single(image.Frames);
    }
}
