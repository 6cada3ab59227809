using System.Net;

namespace Chat.Media.Apis;

/// <summary>Asks Messaging, with the caller's own token, whether the caller is in a conversation.</summary>
public sealed class ConversationAccess(HttpClient http)
{
    public async Task<bool> IsMemberAsync(long conversationId, string authorization, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/conversations/{conversationId}");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return false;
        }
        response.EnsureSuccessStatusCode();
        return true;
    }
}
