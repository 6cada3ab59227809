namespace Chat.Messaging.Contracts;

public sealed record OpenDirectRequest(long UserId);

public sealed record SendMessageRequest(string? ClientMessageId, string? Text, long[]? MediaIds);

/// <summary>The ack of a send: the seq the message took and when.</summary>
public sealed record SendMessageResult(long Seq, DateTimeOffset CreatedAt);

public sealed record CreateGroupRequest(string? Title, long[]? MemberIds);

public sealed record RenameRequest(string? Title);

public sealed record AddMemberRequest(long UserId);

public sealed record EditMessageRequest(string? Text);

public sealed record ReadMarkerRequest(long Seq);
