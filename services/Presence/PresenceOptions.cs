using System.ComponentModel.DataAnnotations;

namespace Chat.Presence;

public sealed class PresenceOptions
{
    public const string SectionName = "Presence";

    /// <summary>A connection not heard from for this long is gone (its replica crashed): the bound on staleness.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 1000)]
    public int MaxUsersPerQuery { get; set; } = 200;

    /// <summary>
    /// Answer only for people the caller shares a conversation with (asks Messaging). Off only where Presence runs
    /// without Messaging, as in Presence's own tests of the tracker.
    /// </summary>
    public bool RestrictToContacts { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ContactsCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}
