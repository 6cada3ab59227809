using System.Text.Json;

namespace Chat.Testing;

// The public HTTP/hub contract as a client reads it. Written here, not borrowed from the services, so a change to
// the wire shape fails a test instead of changing both sides at once.

/// <summary><c>POST /api/identity/users</c>, <c>GET /api/identity/users/me</c>.</summary>
public sealed record UserResponse(long Id, string Username, string DisplayName);

/// <summary><c>POST /api/identity/tokens</c> and its refresh.</summary>
public sealed record TokenResponse(string AccessToken, int ExpiresIn);

public sealed record MemberResponse(long UserId, long LastReadSeq);

/// <summary>A conversation as one member sees it.</summary>
public sealed record ConversationResponse(
    long Id,
    string Kind,
    string? Title,
    long? OwnerId,
    IReadOnlyList<MemberResponse> Members,
    long LastSeq,
    long LastReadSeq,
    long UnreadCount,
    MessageResponse? LastMessage,
    DateTimeOffset CreatedAt,
    long Version)
{
    public IEnumerable<long> MemberIds => Members.Select(m => m.UserId);
}

public sealed record MessageResponse(
    long ConversationId,
    long Seq,
    long SenderId,
    string ClientMessageId,
    string Kind,
    string Text,
    IReadOnlyList<long> Media,
    JsonElement? System,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EditedAt,
    DateTimeOffset? DeletedAt,
    long Version);

/// <summary><c>GET /api/conversations/{id}/messages</c>: ascending seq.</summary>
public sealed record MessagePageResponse(IReadOnlyList<MessageResponse> Messages, bool HasMore);

/// <summary>What a send answers, over HTTP and the hub.</summary>
public sealed record SentResponse(long Seq, DateTimeOffset CreatedAt);

/// <summary>The hub's <c>Sync</c>.</summary>
public sealed record SyncResponse(
    IReadOnlyList<ConversationResponse> Conversations, IReadOnlyList<MessageResponse> Messages, IReadOnlyList<MessageResponse> Updates, bool HasMore);

/// <summary><c>GET /api/presence?userIds=</c>, one a user.</summary>
public sealed record PresenceResponse(long UserId, string Status, DateTimeOffset? LastSeen);

/// <summary>An HTTP error body (RFC 9457); <see cref="Errors"/> on validation problems.</summary>
public sealed record ProblemResponse(string Type, string? Title, int? Status, string? Detail, IReadOnlyDictionary<string, string[]>? Errors);
