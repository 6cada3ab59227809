namespace Chat.Messaging.Storage;

public static class ConversationKinds
{
    public const string Direct = "direct";
    public const string Group = "group";
}

public sealed record ChatMessage(
    long ConversationId,
    long Seq,
    long SenderId,
    string ClientMessageId,
    string Text,
    IReadOnlyList<long> Media,
    DateTimeOffset CreatedAt);

public sealed record ConversationMember(long UserId, long LastReadSeq);

public sealed record Conversation(
    long Id,
    string Kind,
    string? Title,
    long? OwnerId,
    IReadOnlyList<ConversationMember> Members,
    long LastSeq,
    DateTimeOffset CreatedAt);

/// <summary>What the store answers to an append.</summary>
public enum AppendStatus
{
    Appended,
    /// <summary>The sender already sent this client message id; the original message is returned.</summary>
    Duplicate,
    /// <summary>No such conversation, or the sender is not in it.</summary>
    NotMember,
}

public readonly record struct AppendResult(AppendStatus Status, ChatMessage? Message, IReadOnlyList<long> MemberIds);

public sealed record NewMessage(long ConversationId, long SenderId, string ClientMessageId, string Text, IReadOnlyList<long> Media);

public sealed record MessagePage(IReadOnlyList<ChatMessage> Messages, bool HasMore);
