namespace Chat.Messaging.Presence;

/// <summary>
/// Tells Presence to drop its cached contact lists of two users after a block, so a presence query stops showing either
/// to the other at once rather than when the cache expires. Best effort and not awaited by the block: the push side
/// already hides them, and the cache expires on its own.
/// </summary>
public sealed class PresenceContactsCache(IHttpClientFactory httpClients, ILogger<PresenceContactsCache> logger)
{
    public void Forget(long userId, long otherUserId) => _ = ForgetAsync([userId, otherUserId]);

    private async Task ForgetAsync(long[] userIds)
    {
        foreach (var userId in userIds)
        {
            try
            {
                using var response = await httpClients.CreateClient(PresenceReporter.HttpClientName)
                    .DeleteAsync($"/internal/presence/contacts/{userId}", CancellationToken.None);
                response.EnsureSuccessStatusCode();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Presence could not be told to forget the contacts of user {UserId}; its cache expires on its own", userId);
            }
        }
    }
}
