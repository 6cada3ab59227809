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

    /// <summary>Members of a group, its owner included.</summary>
    [Range(2, 1000)]
    public int MaxGroupMembers { get; set; } = 50;

    [Range(1, 1000)]
    public int MaxTitleLength { get; set; } = 100;

    /// <summary>A member's typing notices are relayed at most this often per conversation.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan TypingThrottle { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the typing relay trusts a member list (or "not a member") it read; a change on this replica ends it at once.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan TypingMembershipCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Unset keeps messages forever (the default); 90 is the documented choice for a retention period.</summary>
    [Range(1, 36_500)]
    public int? RetentionDays { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Messages deleted per transaction, so pruning never holds the write lock long enough to delay sends.</summary>
    [Range(1, 100_000)]
    public int RetentionBatchSize { get; set; } = 500;

    [Range(1, 100)]
    public int MaxAttachments { get; set; } = 10;

    /// <summary>Total text one Sync call returns at most (then <c>hasMore</c>), so long messages cannot make one reply huge.</summary>
    [Range(100_000, 100_000_000)]
    public int MaxSyncCharacters { get; set; } = 2_000_000;

    /// <summary>How often the media outbox is checked for changes a failed or other replica's delivery left behind.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MediaOutboxPollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between attempts while Media does not acknowledge; attempts start 1 s apart and double.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MediaOutboxMaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Media reference changes per request to Media (Media takes at most 1,000).</summary>
    [Range(1, 1000)]
    public int MediaOutboxBatchSize { get; set; } = 1000;
}
