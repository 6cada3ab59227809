extern alias MediaService;
extern alias MessagingService;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using MediaProgram = MediaService::Program;
using MessagingProgram = MessagingService::Program;

namespace Chat.Media.Tests;

public sealed class MediaApiTests : IDisposable
{
    private const int MaxUploadBytes = 64 * 1024;

    private static readonly byte[] PngBytes =
    [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    ];

    private readonly ServiceRouter _router = new();
    private readonly GarnetFixture _garnet = new();
    private readonly IdentityFactory _identity;
    private readonly ChatServiceFactory<MessagingProgram> _messaging;
    private readonly ChatServiceFactory<MediaProgram> _media;

    public MediaApiTests()
    {
        _identity = new IdentityFactory(_router);
        _messaging = new ChatServiceFactory<MessagingProgram>(_router, new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _garnet.ConnectionString });
        _media = new ChatServiceFactory<MediaProgram>(_router, new Dictionary<string, string?> { ["Media:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        _router.Add("identity", () => _identity.Server.CreateHandler());
        _router.Add("messaging", () => _messaging.Server.CreateHandler());
    }

    public void Dispose()
    {
        _media.Dispose();
        _messaging.Dispose();
        _identity.Dispose();
        _garnet.Dispose();
    }

    [Fact]
    public async Task AMemberUploadsAnImageAndTheOtherMemberDownloadsTheSameBytes()
    {
        var (a, b, conversationId) = await CreatePairAsync();

        using var upload = await UploadAsync(a, conversationId, PngBytes, "pixel.png", "image/png");
        var uploaded = await upload.Content.ReadFromJsonAsync<JsonElement>();
        using var download = await Client(b).GetAsync($"/api/media/{uploaded.GetProperty("id").GetInt64()}");

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        Assert.Equal("image/png", uploaded.GetProperty("contentType").GetString());
        Assert.Equal(PngBytes.Length, uploaded.GetProperty("size").GetInt64());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(PngBytes, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Fact]
    public async Task TheContentTypeComesFromTheBytesNotFromWhatTheClientClaims()
    {
        var (a, _, conversationId) = await CreatePairAsync();

        using var upload = await UploadAsync(a, conversationId, "<script>alert(1)</script>"u8.ToArray(), "evil.png", "image/png");

        Assert.Equal("application/octet-stream", (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task AStrangerCannotDownloadMediaOfAConversationTheyAreNotIn()
    {
        var (a, _, conversationId) = await CreatePairAsync();
        var stranger = await _identity.CreateUserAsync();
        using var upload = await UploadAsync(a, conversationId, PngBytes, "pixel.png", "image/png");
        var id = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        using var download = await Client(stranger).GetAsync($"/api/media/{id}");

        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
    }

    [Fact]
    public async Task UploadingIntoAConversationYouAreNotInIsRejected()
    {
        var (_, _, conversationId) = await CreatePairAsync();
        var stranger = await _identity.CreateUserAsync();

        using var upload = await UploadAsync(stranger, conversationId, PngBytes, "pixel.png", "image/png");

        Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);
    }

    [Fact]
    public async Task AFileOverTheSizeLimitIsRejectedWith413()
    {
        var (a, _, conversationId) = await CreatePairAsync();

        using var upload = await UploadAsync(a, conversationId, new byte[MaxUploadBytes + 1], "big.bin", "application/octet-stream");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, upload.StatusCode);
        Assert.Equal("https://chat.example/problems/file-too-large", (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task AnUploadWithoutAFilePartIsAMalformedUpload()
    {
        var (a, _, conversationId) = await CreatePairAsync();
        using var form = new MultipartFormDataContent { { new StringContent("not a file"), "comment" } };

        using var upload = await Client(a).PostAsync($"/api/media?conversationId={conversationId}", form);

        Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
        Assert.Equal("https://chat.example/problems/malformed-upload", (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }

    private async Task<(TestUser A, TestUser B, long ConversationId)> CreatePairAsync()
    {
        var a = await _identity.CreateUserAsync();
        var b = await _identity.CreateUserAsync();
        using var client = _messaging.CreateClient();
        client.DefaultRequestHeaders.Authorization = a.Authorization;
        using var response = await client.PostAsJsonAsync("/api/conversations/direct", new { userId = b.Id });
        response.EnsureSuccessStatusCode();
        return (a, b, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
    }

    private HttpClient Client(TestUser user)
    {
        var client = _media.CreateClient();
        client.DefaultRequestHeaders.Authorization = user.Authorization;
        return client;
    }

    private Task<HttpResponseMessage> UploadAsync(TestUser user, long conversationId, byte[] bytes, string fileName, string claimedType)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(claimedType);
        var form = new MultipartFormDataContent { { file, "file", fileName } };
        return Client(user).PostAsync($"/api/media?conversationId={conversationId}", form);
    }
}
