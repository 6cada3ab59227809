using System.Net;
using System.Net.Http.Json;

namespace Chat.Messaging.Messages;

/// <summary>Asks Media who uploaded an attachment and into which conversation, before a message may carry it.</summary>
public sealed class MediaCatalog(IHttpClientFactory httpClients)
{
    public const string HttpClientName = "media";

    /// <summary>Throws <c>media-not-found</c> unless the sender uploaded every one of them into this conversation.</summary>
    public async Task EnsureAttachableAsync(long senderId, long conversationId, IReadOnlyList<long> mediaIds, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HttpClientName);
        foreach (var mediaId in mediaIds)
        {
            using var response = await client.GetAsync($"/internal/media/{mediaId}", cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw MessagingError.MediaNotFound(mediaId);
            }
            response.EnsureSuccessStatusCode();
            var media = await response.Content.ReadFromJsonAsync<MediaOwnership>(cancellationToken);
            if (media is null || media.UploaderId != senderId || media.ConversationId != conversationId)
            {
                throw MessagingError.MediaNotFound(mediaId);
            }
        }
    }

    private sealed record MediaOwnership(long Id, long ConversationId, long UploaderId);
}
