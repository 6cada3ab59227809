using System.ComponentModel.DataAnnotations;

namespace Chat.Messaging;

public sealed class MessagingOptions
{
    public const string SectionName = "Messaging";

    /// <summary>Holds messaging.db; replicas of the service share it.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>In UTF-16 code units, which is what a browser's <c>string.length</c> counts.</summary>
    [Range(1, 1_000_000)]
    public int MaxMessageLength { get; set; } = 100_000;

    [Range(1, 128)]
    public int MaxClientMessageIdLength { get; set; } = 64;

    [Range(1, 1000)]
    public int DefaultPageSize { get; set; } = 50;

    [Range(1, 1000)]
    public int MaxPageSize { get; set; } = 200;

    /// <summary>How many messages one Sync call returns at most, across all conversations.</summary>
    [Range(1, 10_000)]
    public int MaxSyncMessages { get; set; } = 500;
}
