using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
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

    /// <summary>
    /// Throws the first refusal among <paramref name="userIds"/> (unknown user, or not allowed), naming
    /// <paramref name="field"/> as the request field at fault; returns when all may be added.
    /// </summary>
    public async Task EnsureAllowedAsync(long actorId, IReadOnlyCollection<long> userIds, string field, CancellationToken cancellationToken)
    {
        var blockedBy = await blocks.WhoBlockedAsync(actorId, userIds, cancellationToken);
        IReadOnlySet<long>? contacts = null;
        var identity = httpClients.CreateClient(HttpClientName);
        foreach (var userId in userIds)
        {
            using var response = await identity.GetAsync($"/internal/users/{userId}/group-adds", cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw MessagingError.UserNotFound(userId, field);
            }
            response.EnsureSuccessStatusCode();
            var setting = (await response.Content.ReadFromJsonAsync(IdentityJsonContext.Default.GroupAddsSetting, cancellationToken))?.GroupAdds;
            var allowed = !blockedBy.Contains(userId) && setting switch
            {
                "everyone" => true,
                "contacts" => (contacts ??= await conversations.ListContactsAsync(actorId, cancellationToken)).Contains(userId),
                _ => false,
            };
            if (!allowed)
            {
                throw MessagingError.GroupAddRefused(userId, field);
            }
        }
    }
}

/// <summary>Identity's answer to <c>GET /internal/users/{id}/group-adds</c>.</summary>
public sealed record GroupAddsSetting(string GroupAdds);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(GroupAddsSetting))]
internal sealed partial class IdentityJsonContext : JsonSerializerContext;
