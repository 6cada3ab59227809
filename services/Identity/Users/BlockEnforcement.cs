namespace Chat.Identity.Users;

/// <summary>
/// Tells Messaging of a block change (<c>PUT/DELETE http://messaging/internal/blocks/{blockerId}/{blockedId}</c>), which
/// it enforces from its own copy on the send path. Idempotent, so a repeated or compensating call is always safe.
/// </summary>
public sealed class BlockEnforcement(IHttpClientFactory httpClients, ILogger<BlockEnforcement> logger)
{
    public const string HttpClientName = "messaging";

    // Block changes are rare; one at a time keeps two racing changes of one pair (a double click, two tabs) from
    // reaching Messaging in one order and Identity's store in the other.
    private readonly AsyncGate _changing = new();

    /// <summary>Holds block changes in this process to one at a time until the returned handle is disposed.</summary>
    public Task<IDisposable> SerializeAsync(CancellationToken cancellationToken) => _changing.AcquireAsync(cancellationToken);

    /// <summary>True once Messaging has recorded the change; false (logged) when it could not be told.</summary>
    public async Task<bool> TryApplyAsync(long blockerId, long blockedId, bool blocked, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(blocked ? HttpMethod.Put : HttpMethod.Delete, $"/internal/blocks/{blockerId}/{blockedId}");
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }
            logger.LogWarning("Messaging answered {Status} to the block change {BlockerId} → {BlockedId}", (int)response.StatusCode, blockerId, blockedId);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Messaging could not be told of the block change {BlockerId} → {BlockedId}", blockerId, blockedId);
        }
        return false;
    }
}
