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
}
