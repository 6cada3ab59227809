using System.ComponentModel.DataAnnotations;

namespace Chat.Messaging;

/// <summary>
/// How fast one user may call each kind of operation, per Messaging replica. The hub and HTTP keep separate buckets
/// with the same rule. The defaults sit well above a fast human and the web client's reconnect (one
/// <c>SetPresence</c>, up to 100 <c>Sync</c> pages, its unsent messages again, a <c>MarkRead</c>).
/// </summary>
public sealed class MessagingRateLimitOptions : IValidatableObject
{
    public const string SectionName = "Messaging:RateLimits";

    /// <summary>Hub <c>SendMessage</c>; HTTP <c>POST .../messages</c>.</summary>
    public TokenBucketRule Send { get; set; } = TokenBucketRule.PerSecond(20, burst: 60);

    /// <summary>Hub <c>EditMessage</c> and <c>DeleteMessage</c>; HTTP <c>PATCH</c> and <c>DELETE .../messages/{seq}</c>.</summary>
    public TokenBucketRule Edit { get; set; } = TokenBucketRule.PerSecond(10, burst: 30);

    /// <summary>Hub <c>Typing</c> (the client sends one per 3 s per conversation).</summary>
    public TokenBucketRule Typing { get; set; } = TokenBucketRule.PerSecond(5, burst: 20);

    /// <summary>Hub <c>SetPresence</c> (the client sends one per change and per reconnect).</summary>
    public TokenBucketRule Presence { get; set; } = TokenBucketRule.PerSecond(5, burst: 20);

    /// <summary>Hub <c>Sync</c>: the client pages through up to 100 calls after a reconnect.</summary>
    public TokenBucketRule Sync { get; set; } = TokenBucketRule.PerSecond(10, burst: 150);

    /// <summary>Hub <c>MarkRead</c>: the client marks read as messages arrive in the open conversation.</summary>
    public TokenBucketRule MarkRead { get; set; } = TokenBucketRule.PerSecond(20, burst: 100);

    /// <summary>HTTP: opening a direct conversation, creating and renaming a group, adding a member (each a push to others).</summary>
    public TokenBucketRule Conversations { get; set; } = TokenBucketRule.PerMinute(30, burst: 60);

    /// <summary>Hub connections one user may hold open at once on one replica (tabs and devices); the next is refused.</summary>
    [Range(1, 10_000)]
    public int MaxConnectionsPerUser { get; set; } = 20;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => TokenBucketRule.ValidateAll(
        (nameof(Send), Send),
        (nameof(Edit), Edit),
        (nameof(Typing), Typing),
        (nameof(Presence), Presence),
        (nameof(Sync), Sync),
        (nameof(MarkRead), MarkRead),
        (nameof(Conversations), Conversations));
}
