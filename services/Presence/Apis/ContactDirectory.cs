using System.Net.Http.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Chat.Presence.Apis;

/// <summary>
/// Whose presence a user may see: the people they share a conversation with (and themself), as Messaging knows
/// them; cached briefly, so a page of presence dots costs one internal call at most.
/// </summary>
public sealed class ContactDirectory(IHttpClientFactory httpClients, IMemoryCache cache, IOptions<PresenceOptions> options)
{
    public const string HttpClientName = "messaging";

    public async Task<IReadOnlySet<long>> ContactsOfAsync(long userId, CancellationToken cancellationToken) =>
        (await cache.GetOrCreateAsync(userId, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = options.Value.ContactsCacheDuration;
            var contacts = await httpClients.CreateClient(HttpClientName)
                .GetFromJsonAsync<long[]>($"/internal/contacts/{userId}", cancellationToken) ?? [];
            return (IReadOnlySet<long>)contacts.Append(userId).ToHashSet();
        }))!;

    /// <summary>Drops the user's cached contacts (a block changed them), so the next query asks Messaging again.</summary>
    public void Forget(long userId) => cache.Remove(userId);
}
