using Microsoft.Extensions.Options;

namespace Chat.Identity.Tokens;

/// <summary>
/// The revocation feed, read from the refresh-token store: the sessions revoked since a cursor, each until the last
/// access token it may have been issued expires. The cursor is Identity's clock in Unix milliseconds.
/// </summary>
/// <remarks>
/// Each read looks back <see cref="Overlap"/> before the cursor, so a revocation committed with a time just before a
/// reader's cursor (a slow transaction, another Identity replica's clock) is still seen; readers keep a set, so
/// seeing one twice is harmless.
/// </remarks>
public sealed class SessionRevocationFeed(
    IRefreshTokenStore refreshTokens, IOptions<IdentityOptions> options, IOptions<ChatTokenOptions> tokenOptions, TimeProvider time)
    : IRevokedSessionFeed
{
    public static readonly TimeSpan Overlap = TimeSpan.FromSeconds(10);

    /// <summary>How long a revocation matters: a token issued just before it lives this long, clock skew included.</summary>
    private TimeSpan Retention => options.Value.AccessTokenLifetime + tokenOptions.Value.ClockSkew;

    public async Task<RevokedSessionPage> ReadAsync(long after, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var since = DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(after, 0, now.ToUnixTimeMilliseconds())) - Overlap;
        var oldestLive = now - Retention;
        var revocations = await refreshTokens.ListRevokedSinceAsync(since > oldestLive ? since : oldestLive, cancellationToken);
        return new RevokedSessionPage(
            now.ToUnixTimeMilliseconds(),
            revocations.Select(revocation => new RevokedSession(revocation.SessionId, revocation.RevokedAt + Retention)).ToList());
    }
}
