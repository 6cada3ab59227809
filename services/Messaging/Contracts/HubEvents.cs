namespace Chat.Messaging.Contracts;

public sealed record PresenceChange(long UserId, string Status, DateTimeOffset? LastSeen);

public sealed record ReadMarker(long ConversationId, long UserId, long LastReadSeq);

public sealed record TypingNotice(long ConversationId, long UserId);
