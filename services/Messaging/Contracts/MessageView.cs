namespace Chat.Messaging.Contracts;

/// <summary>
/// A message as clients see it. <see cref="Seq"/> orders messages without gaps; <see cref="Version"/> grows on every
/// append, edit and delete in the conversation, so a client can ask for what changed since the version it holds.
/// </summary>
public sealed record MessageView(
    long ConversationId,
    long Seq,
    long SenderId,
    string ClientMessageId,
    string Kind,
    string Text,
    IReadOnlyList<long> Media,
    SystemEventView? System,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EditedAt,
    DateTimeOffset? DeletedAt,
    long Version);

/// <summary>What a system message records (<c>created</c>, <c>member-added</c>, <c>renamed</c>, ...).</summary>
public sealed record SystemEventView(string Event, long ActorId, IReadOnlyList<long> UserIds, string? Title);

/// <summary>A page of history in ascending seq.</summary>
public sealed record MessagePageView(IReadOnlyList<MessageView> Messages, bool HasMore);
