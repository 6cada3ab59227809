using System.ComponentModel.DataAnnotations;

namespace Microsoft.Extensions.Hosting;

/// <summary>How access tokens are checked: the same issuer, audience and key source in every service.</summary>
public sealed class ChatTokenOptions
{
    public const string SectionName = "Chat:Tokens";

    [Required]
    public string Issuer { get; set; } = "chat-identity";

    [Required]
    public string Audience { get; set; } = "chat";

    /// <summary>Identity's key set; a logical service name, resolved by service discovery.</summary>
    [Required]
    public string JwksUrl { get; set; } = "http://identity/.well-known/jwks.json";

    /// <summary>Identity's feed of revoked sessions; a logical service name, read with the internal key.</summary>
    [Required]
    public string RevocationsUrl { get; set; } = "http://identity/internal/identity/revocations";

    /// <summary>How often each process reads the revocation feed: the bound on how long a revoked session's tokens still work.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RevocationPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Tolerated clock difference between Identity and the validating service.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
