using System.ComponentModel.DataAnnotations;

namespace Chat.Media;

public sealed class MediaOptions
{
    public const string SectionName = "Media";

    /// <summary>Holds media.db and the blob directory.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    [Range(1, 1L << 32)]
    public long MaxUploadBytes { get; set; } = 25L * 1024 * 1024;
}
