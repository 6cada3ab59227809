namespace Chat.Identity.Tokens;

/// <summary>What presenting a refresh token led to.</summary>
public enum RefreshOutcome
{
    /// <summary>The token was current: it is now replaced by the next one of its family.</summary>
    Rotated,

    /// <summary>The token had already been replaced: someone holds a copy, so its whole family is now revoked.</summary>
    Reused,

    /// <summary>Unknown, expired, or of a revoked family.</summary>
    Invalid,
}

public sealed record RefreshResult(RefreshOutcome Outcome, long UserId = 0, string FamilyId = "");

/// <summary>
/// Refresh tokens by the SHA-256 hash of their secret, grouped in families (one per login). Each refresh replaces
/// the presented token with the next one; presenting a replaced token again revokes the family.
/// </summary>
public interface IRefreshTokenStore
{
    /// <summary>Starts a family (a login) with its first token.</summary>
    Task CreateAsync(byte[] tokenHash, long userId, string familyId, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Atomically replaces the presented token with <paramref name="nextHash"/>; a second use of one token revokes its family.</summary>
    Task<RefreshResult> RotateAsync(byte[] presentedHash, byte[] nextHash, DateTimeOffset nextExpiresAt, CancellationToken cancellationToken);

    /// <summary>Revokes the family the token belongs to (logout); unknown tokens are ignored.</summary>
    Task RevokeFamilyAsync(byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>Revokes every family of the user except <paramref name="keepFamilyId"/> (a password change).</summary>
    Task RevokeUserAsync(long userId, string? keepFamilyId, CancellationToken cancellationToken);
}
