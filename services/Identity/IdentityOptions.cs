using System.ComponentModel.DataAnnotations;

namespace Chat.Identity;

public sealed class IdentityOptions
{
    public const string SectionName = "Identity";

    /// <summary>Holds the user database and the signing keys; never inside the repository.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a refresh token lives unused; each refresh issues a new one with a fresh lifetime.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long after a refresh the replaced token may be presented again and get the same successor (an answer lost
    /// to a page reload) rather than counting as theft and revoking the session. 0 turns the grace off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RefreshReuseGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Age at which the signing key is replaced; the previous key stays published for validation.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan SigningKeyLifetime { get; set; } = TimeSpan.FromDays(30);

    [Range(1, 100)]
    public int MaxSearchResults { get; set; } = 20;
}

/// <summary>
/// How many sign-ups and logins are allowed per client address and per username in each window, and how failed
/// logins are throttled (<see cref="Apis.LoginThrottle"/>).
/// </summary>
public sealed class IdentityRateLimitOptions
{
    public const string SectionName = "Identity:RateLimits";

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Attempts per client IP address and window, for sign-up and login (and password change) each.</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerIp { get; set; } = 60;

    /// <summary>Sign-ups naming one username, and password changes of one account, per window.</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerUsername { get; set; } = 10;

    /// <summary>How long failed logins are remembered for the per-address allowance and the username's quiet reset.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LoginFailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failed logins for one username from one client address (IPv6: its /64) per window; then that address waits.</summary>
    [Range(1, 1_000_000)]
    public int LoginFailuresPerAddress { get; set; } = 5;

    /// <summary>Failed logins for one username from all addresses before each further failure locks it for a doubling backoff.</summary>
    [Range(1, 1_000_000)]
    public int LoginFailuresPerUsername { get; set; } = 50;

    /// <summary>The first lock past the per-username ceiling; each further failure doubles it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LoginBackoff { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MaxLoginBackoff { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long an address that logged in successfully stays exempt from the per-username lock for that user.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan TrustedAddressLifetime { get; set; } = TimeSpan.FromDays(30);
}
