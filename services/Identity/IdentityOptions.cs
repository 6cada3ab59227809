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

    [Range(1, 100)]
    public int MaxSearchResults { get; set; } = 20;
}
