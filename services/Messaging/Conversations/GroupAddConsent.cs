using System.Net;
using System.Net.Http.Json;
using Chat.Messaging.Apis;
using Chat.Messaging.Messages;
using Chat.Messaging.Storage;

namespace Chat.Messaging.Conversations;

/// <summary>
/// Whether people may be put into a group by someone: each must exist, must not have blocked them, and must allow it
/// by their <c>groupAdds</c> setting ("everyone", "contacts": people they already share a conversation with, or
/// "nobody"). The setting is Identity's and read from it at the moment of the add (rare, so one call per person is
/// fine); blocks come from Messaging's own copy.
/// </summary>
public sealed class GroupAddConsent(IHttpClientFactory httpClients, IBlockStore blocks, IConversationStore conversations)
{
    public const string HttpClientName = "identity-internal";

    /// <summary>The first refusal among <paramref name="userIds"/> (unknown user, or not allowed), or null when all may be added.</summary>
    public async Task<MessagingError?> CheckAsync(long actorId, IReadOnlyCollection<long> userIds, CancellationToken cancellationToken)
    {
        var blockedBy = await blocks.WhoBlockedAsync(actorId, userIds, cancellationToken);
        IReadOnlySet<long>? contacts = null;
        var identity = httpClients.CreateClient(HttpClientName);
        foreach (var userId in userIds)
        {
            using var response = await identity.GetAsync($"/internal/users/{userId}/group-adds", cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return MessagingError.UserNotFound(userId);
            }
            response.EnsureSuccessStatusCode();
            var setting = (await response.Content.ReadFromJsonAsync(MessagingJsonContext.Default.GroupAddsSetting, cancellationToken))?.GroupAdds;
            var allowed = !blockedBy.Contains(userId) && setting switch
            {
                "everyone" => true,
                "contacts" => (contacts ??= await conversations.ListContactsAsync(actorId, cancellationToken)).Contains(userId),
                _ => false,
            };
            if (!allowed)
            {
                return MessagingError.GroupAddRefused(userId);
            }
        }
        return null;
    }
}
