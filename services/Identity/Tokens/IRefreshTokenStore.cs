namespace Chat.Identity.Tokens;

/// <summary>What presenting a refresh token led to.</summary>
public enum RefreshOutcome
{
    /// <summary>The token was current (or replaced within the grace window): the successor in the result is the family's current token.</summary>
    Rotated,

    /// <summary>The token had already been replaced: someone holds a copy, so its whole family is now revoked.</summary>
    Reused,

    /// <summary>Unknown, expired, or of a revoked family.</summary>
    Invalid,
}

/// <param name="SuccessorSalt">What the successor token is derived from (<see cref="RefreshTokenSecret.Successor"/>), when rotated.</param>
public sealed record RefreshResult(
    RefreshOutcome Outcome, long UserId = 0, string FamilyId = "", byte[]? SuccessorSalt = null, DateTimeOffset SuccessorExpiresAt = default);

/// <summary>The token that is to replace the presented one.</summary>
public sealed record RefreshSuccessor(byte[] Hash, byte[] Salt, DateTimeOffset ExpiresAt);

/// <summary>A family (a login session) that was revoked, and when.</summary>
public sealed record SessionRevocation(string SessionId, DateTimeOffset RevokedAt);

/// <summary>
/// Refresh tokens by the SHA-256 hash of their secret, grouped in families (one per login). Each refresh replaces
/// the presented token with the next one; presenting a replaced token again revokes the family.
/// </summary>
public interface IRefreshTokenStore
{
    /// <summary>Starts a family (a login) with its first token.</summary>
    Task CreateAsync(byte[] tokenHash, long userId, string familyId, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically replaces the presented token with <paramref name="next"/>. Presenting a replaced token again within
    /// <paramref name="reuseGrace"/> of its replacement, while its successor is still unused, answers that same successor
    /// (a response lost in flight); any other second use revokes the family.
    /// </summary>
    Task<RefreshResult> RotateAsync(byte[] presentedHash, RefreshSuccessor next, TimeSpan reuseGrace, CancellationToken cancellationToken);

    /// <summary>Revokes the family the token belongs to (logout); unknown tokens are ignored.</summary>
    Task RevokeFamilyAsync(byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>Revokes every family of the user except <paramref name="keepFamilyId"/> (a password change).</summary>
    Task RevokeUserAsync(long userId, string? keepFamilyId, CancellationToken cancellationToken);

    /// <summary>The families revoked at or after <paramref name="since"/> (logout, password change, reuse), for the revocation feed.</summary>
    Task<IReadOnlyList<SessionRevocation>> ListRevokedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);
}
