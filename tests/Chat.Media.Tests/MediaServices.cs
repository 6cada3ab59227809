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

    /// <param name="messagingSettings">Extra Messaging settings (retention, say).</param>
    /// <param name="messagingTime">Messaging's clock, when a test moves it; else the real one.</param>
    /// <param name="mediaSettings">More of Media's settings (tiny rate limits, say), over the defaults here.</param>
    public MediaServices(
        IDictionary<string, string?>? messagingSettings = null, TimeProvider? messagingTime = null, IDictionary<string, string?>? mediaSettings = null)
    {
        _identity = new IdentityFactory(_router);
        var messaging = new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _garnet.ConnectionString };
        foreach (var (key, value) in messagingSettings ?? new Dictionary<string, string?>())
        {
            messaging[key] = value;
        }
        _messaging = new ChatServiceFactory<MessagingProgram>(_router, messaging)
        {
            TestServices = messagingTime is null ? null : services => services.Replace(ServiceDescriptor.Singleton(messagingTime)),
        };
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

    public ChatServiceFactory<MessagingProgram> Messaging => _messaging;

    /// <summary>Media stops answering Messaging (503 for every call), as when it is down, until <paramref name="down"/> is false.</summary>
    public void SetMediaDown(bool down) =>
        _router.Add("media", down ? () => new UnavailableHandler() : () => Media.Server.CreateHandler());

    /// <summary>Sends a message carrying the media; answers its seq.</summary>
    public async Task<long> SendAsync(TestUser sender, long conversationId, params long[] mediaIds)
    {
        using var client = MessagingClient(sender);
        using var response = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages",
            new { clientMessageId = Guid.NewGuid().ToString("N"), text = "see attached", mediaIds });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("seq").GetInt64();
    }

    /// <summary>Uploads, then sends it in a message, so the other members may see it too.</summary>
    public async Task<JsonElement> UploadSentAsync(TestUser user, long conversationId, byte[] bytes, string fileName)
    {
        var uploaded = await UploadCreatedAsync(user, conversationId, bytes, fileName);
        await SendAsync(user, conversationId, uploaded.GetProperty("id").GetInt64());
        return uploaded;
    }

    private sealed class UnavailableHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable) { RequestMessage = request });
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
