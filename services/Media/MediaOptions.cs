using System.ComponentModel.DataAnnotations;

namespace Chat.Media;

public sealed class MediaOptions
{
    public const string SectionName = "Media";

    /// <summary>Holds media.db, the blob directory and the generated URL-signing key.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// No default here: the AppHost's <c>Media:MaxUploadBytes</c> is the one source, and also sets the gateway's body
    /// limit, so the two cannot disagree; unset, Media does not start.
    /// </summary>
    [Range(1, 1L << 32)]
    public long MaxUploadBytes { get; set; }

    /// <summary>Largest width × height an image may declare in its header; checked before any pixel is decoded.</summary>
    [Range(1, 1L << 31)]
    public long MaxImagePixels { get; set; } = 50_000_000;

    /// <summary>
    /// Largest frames × canvas pixels an animated image may declare; read from its headers before decoding. Each frame
    /// costs a whole canvas to whoever decodes it (a browser showing the original does), however small the file.
    /// </summary>
    [Range(1, 1L << 40)]
    public long MaxAnimationPixels { get; set; } = 200_000_000;

    /// <summary>Longest side of a thumbnail, in pixels.</summary>
    [Range(16, 2048)]
    public int ThumbnailSize { get; set; } = 320;

    /// <summary>How long a signed download URL (for <c>&lt;img src&gt;</c>, no Authorization header) stays valid.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan SignedUrlLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Base64 HMAC key for signed URLs (at least 32 bytes); unset: generated once into the data directory.</summary>
    [MinLength(44)]
    public string? SigningKey { get; set; }

    /// <summary>How long a "yes, a member" answer from Messaging is reused for the same user and conversation.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan MembershipCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an upload no message references is kept (for its uploader to send it) before the sweeper removes it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan UnattachedGracePeriod { get; set; } = TimeSpan.FromHours(24);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan UnattachedSweepInterval { get; set; } = TimeSpan.FromHours(1);
}
