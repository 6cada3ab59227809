namespace Chat.Messaging.Contracts;

/// <summary>A conversation as one member sees it.</summary>
public sealed record ConversationView(
    long Id,
    string Kind,
    string? Title,
    long? OwnerId,
    IReadOnlyList<MemberView> Members,
    long LastSeq,
    long LastReadSeq,
    long UnreadCount,
    MessageView? LastMessage,
    DateTimeOffset CreatedAt,
    long Version);

/// <summary>A member of a conversation and how far they have read.</summary>
public sealed record MemberView(long UserId, long LastReadSeq);

/// <summary>A conversation left the member's list (they left or were removed).</summary>
public sealed record ConversationRemoval(long ConversationId);
