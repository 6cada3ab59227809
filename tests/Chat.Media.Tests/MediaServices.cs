using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Media.Tests;

/// <summary>Real Identity, Messaging (with an in-process Garnet) and Media test servers; Media's clock is a fake one.</summary>
public sealed class MediaServices : ChatCluster
{
    public const int MaxUploadBytes = 256 * 1024;
    public const int MaxImagePixels = 4_000_000;

    /// <param name="messaging">More of Messaging's setup (retention and its clock, say).</param>
    /// <param name="media">More of Media's settings (tiny rate limits, say), over the defaults here.</param>
    public MediaServices(Action<ServiceSetup>? messaging = null, Action<ServiceSetup>? media = null)
        : this(new FakeTimeProvider(DateTimeOffset.UtcNow), messaging, media)
    {
    }

    private MediaServices(FakeTimeProvider time, Action<ServiceSetup>? messaging, Action<ServiceSetup>? media)
        : base(With(new GarnetFixture()).Messaging(messaging).Media(m =>
        {
            m.Set("Media:MaxUploadBytes", MaxUploadBytes).Set("Media:MaxImagePixels", MaxImagePixels).Clock(time);
            media?.Invoke(m);
        }))
    {
        Time = time;
    }

    /// <summary>Media's clock. Starts at the real time, so access tokens Identity issues are valid; tests only move it forward.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>Media stops answering Messaging (503 for every call), as when it is down, until <paramref name="down"/> is false.</summary>
    public void SetMediaDown(bool down) =>
        Router.Add("media", down ? () => new UnavailableHandler() : () => Media.Server.CreateHandler());

    /// <summary>Uploads, then sends it in a message, so the other members may see it too.</summary>
    public async Task<JsonElement> UploadSentAsync(TestUser user, long conversationId, byte[] bytes, string fileName)
    {
        var uploaded = await UploadCreatedAsync(user, conversationId, bytes, fileName);
        await SendAsync(user, conversationId, "see attached", uploaded.GetProperty("id").GetInt64());
        return uploaded;
    }

    public Task<HttpResponseMessage> UploadAsync(TestUser user, long conversationId, byte[] bytes, string fileName, string claimedType = "application/octet-stream") =>
        UploadAsync(user, conversationId, new ByteArrayContent(bytes), fileName, claimedType);

    public Task<HttpResponseMessage> UploadAsync(TestUser user, long conversationId, HttpContent file, string fileName, string claimedType)
    {
        file.Headers.ContentType = new MediaTypeHeaderValue(claimedType);
        var form = new MultipartFormDataContent { { file, "file", fileName } };
        return Media.ClientFor(user).PostAsync($"/api/media?conversationId={conversationId}", form);
    }

    /// <summary>Uploads and answers the media as JSON, failing the test unless it was created.</summary>
    public async Task<JsonElement> UploadCreatedAsync(TestUser user, long conversationId, byte[] bytes, string fileName)
    {
        using var response = await UploadAsync(user, conversationId, bytes, fileName);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private sealed class UnavailableHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request });
    }
}
