using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Chat.Media.Apis;

/// <summary>
/// Asks Messaging, with the caller's own token (forwarded by its HttpClient's <c>ForwardedAuthorizationHandler</c>),
/// whether the caller is in a conversation. A "yes" is reused
/// briefly per (user, conversation), so a page of images costs one call; a "no" is always asked afresh, so a
/// newly added member never waits.
/// </summary>
public sealed class ConversationAccess(HttpClient http, IMemoryCache cache, IOptions<MediaOptions> options)
{
    public async Task<bool> IsMemberAsync(long userId, long conversationId, CancellationToken cancellationToken)
    {
        var key = (nameof(ConversationAccess), userId, conversationId);
        if (cache.TryGetValue(key, out _))
        {
            return true;
        }
        using var response = await http.GetAsync($"/api/conversations/{conversationId}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return false;
        }
        response.EnsureSuccessStatusCode();
        if (options.Value.MembershipCacheDuration > TimeSpan.Zero)
        {
            cache.Set(key, true, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = options.Value.MembershipCacheDuration, Size = 1 });
        }
        return true;
    }
}
