extern alias MediaService;
extern alias MessagingService;

using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using MediaProgram = MediaService::Program;
using MessagingProgram = MessagingService::Program;

namespace Chat.Media.Tests;

/// <summary>Real Identity, Messaging (with an in-process Garnet) and Media test servers; Media's clock is a fake one.</summary>
public sealed class MediaServices : IDisposable
{
    public const int MaxUploadBytes = 256 * 1024;
    public const int MaxImagePixels = 4_000_000;

    private readonly ServiceRouter _router = new();
    private readonly GarnetFixture _garnet = new();
    private readonly IdentityFactory _identity;
    private readonly ChatServiceFactory<MessagingProgram> _messaging;

    /// <param name="mediaSettings">More of Media's settings (tiny rate limits, say), over the defaults here.</param>
    public MediaServices(IDictionary<string, string?>? mediaSettings = null)
    {
        _identity = new IdentityFactory(_router);
        _messaging = new ChatServiceFactory<MessagingProgram>(_router, new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _garnet.ConnectionString });
        var settings = new Dictionary<string, string?>
        {
            ["Media:MaxUploadBytes"] = MaxUploadBytes.ToString(CultureInfo.InvariantCulture),
            ["Media:MaxImagePixels"] = MaxImagePixels.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in mediaSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        Media = new ChatServiceFactory<MediaProgram>(_router, settings)
        {
            TestServices = services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time)),
        };
        _router.Add("identity", () => _identity.Server.CreateHandler());
        _router.Add("messaging", () => _messaging.Server.CreateHandler());
        _router.Add("media", () => Media.Server.CreateHandler());
    }

    /// <summary>A client of Messaging, for sending messages that carry media.</summary>
    public HttpClient MessagingClient(TestUser user)
    {
        var client = _messaging.CreateClient();
        client.DefaultRequestHeaders.Authorization = user.Authorization;
        return client;
    }

    /// <summary>Starts at the real time, so access tokens Identity issues are valid; tests only move it forward.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public ChatServiceFactory<MediaProgram> Media { get; }

    public Task<TestUser> CreateUserAsync() => _identity.CreateUserAsync();

    public async Task<(TestUser A, TestUser B, long ConversationId)> CreatePairAsync()
    {
        var a = await _identity.CreateUserAsync();
        var b = await _identity.CreateUserAsync();
        using var client = _messaging.CreateClient();
        client.DefaultRequestHeaders.Authorization = a.Authorization;
        using var response = await client.PostAsJsonAsync("/api/conversations/direct", new { userId = b.Id });
        response.EnsureSuccessStatusCode();
        return (a, b, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
    }

    public HttpClient Client(TestUser? user)
    {
        var client = Media.CreateClient();
        client.DefaultRequestHeaders.Authorization = user?.Authorization;
        return client;
    }

    public HttpClient InternalClient(bool withKey = true)
    {
        var client = Media.CreateClient();
        if (withKey)
        {
            client.DefaultRequestHeaders.Add("X-Chat-Internal-Key", ChatServiceFactory<MediaProgram>.InternalKey);
        }
        return client;
    }

    public Task<HttpResponseMessage> UploadAsync(TestUser user, long conversationId, byte[] bytes, string fileName, string claimedType = "application/octet-stream") =>
        UploadAsync(user, conversationId, new ByteArrayContent(bytes), fileName, claimedType);

    public Task<HttpResponseMessage> UploadAsync(TestUser user, long conversationId, HttpContent file, string fileName, string claimedType)
    {
        file.Headers.ContentType = new MediaTypeHeaderValue(claimedType);
        var form = new MultipartFormDataContent { { file, "file", fileName } };
        return Client(user).PostAsync($"/api/media?conversationId={conversationId}", form);
    }

    /// <summary>Uploads and answers the media as JSON, failing the test unless it was created.</summary>
    public async Task<JsonElement> UploadCreatedAsync(TestUser user, long conversationId, byte[] bytes, string fileName)
    {
        using var response = await UploadAsync(user, conversationId, bytes, fileName);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public void Dispose()
    {
        Media.Dispose();
        _messaging.Dispose();
        _identity.Dispose();
        _garnet.Dispose();
    }
}
