namespace Chat.Messaging.Contracts;

/// <summary>The limits a client checks before it sends (<c>GET /api/conversations/limits</c>), so it never guesses them.</summary>
public sealed record MessagingLimits(int MaxMessageLength, int MaxGroupMembers, int MaxAttachmentsPerMessage);
