using System.ComponentModel.DataAnnotations;

namespace Chat.Media;

/// <summary>How fast one user may upload, per Media process; beyond it 429 <c>rate-limited</c> with <c>Retry-After</c>.</summary>
public sealed class MediaRateLimitOptions : IValidatableObject
{
    public const string SectionName = "Media:RateLimits";

    /// <summary>The policy name on the upload route.</summary>
    public const string UploadPolicy = "upload";

    /// <summary>Room for a user dropping a few dozen files at once, not for filling the disk.</summary>
    public TokenBucketRule Uploads { get; set; } = TokenBucketRule.PerMinute(30, burst: 30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        TokenBucketRule.ValidateAll((nameof(Uploads), Uploads));
}
