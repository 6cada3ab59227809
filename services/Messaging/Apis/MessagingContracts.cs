using System.Text.Json;
using System.Text.Json.Serialization;
using Chat.Messaging.Storage;

namespace Chat.Messaging.Apis;

/// <summary>A conversation as one member sees it.</summary>
public sealed record ConversationView(
    long Id,
    string Kind,
    string? Title,
    long? OwnerId,
    IReadOnlyList<ConversationMember> Members,
    long LastSeq,
    long LastReadSeq,
    long UnreadCount,
    ChatMessage? LastMessage,
    DateTimeOffset CreatedAt,
    long Version)
{
    public static ConversationView For(Conversation conversation, long userId, ChatMessage? lastMessage)
    {
        long lastRead = 0;
        foreach (var member in conversation.Members)
        {
            if (member.UserId == userId)
            {
                lastRead = member.LastReadSeq;
            }
        }
        return new ConversationView(conversation.Id, conversation.Kind, conversation.Title, conversation.OwnerId, conversation.Members,
            conversation.LastSeq, lastRead, Math.Max(0, conversation.LastSeq - lastRead), lastMessage, conversation.CreatedAt,
            conversation.LastVersion);
    }
}

public sealed record OpenDirectRequest(long UserId);

public sealed record SendMessageRequest(string? ClientMessageId, string? Text, long[]? MediaIds);

public sealed record SendMessageResult(long Seq, DateTimeOffset CreatedAt);

public sealed record CreateGroupRequest(string? Title, long[]? MemberIds);

public sealed record RenameRequest(string? Title);

public sealed record AddMemberRequest(long UserId);

public sealed record EditMessageRequest(string? Text);

public sealed record ReadMarkerRequest(long Seq);

/// <summary>What a client holds of one conversation: every message through <c>AfterSeq</c>, every change through <c>AfterVersion</c>.</summary>
public sealed record SyncCursor(long ConversationId, long AfterSeq, long AfterVersion = 0);

/// <summary>
/// <c>Messages</c>: new ones after each cursor's seq, ascending. <c>Updates</c>: messages the client already holds that were
/// edited or deleted since its version. With <c>HasMore</c>, call again with the advanced cursors.
/// </summary>
public sealed record SyncResult(IReadOnlyList<ConversationView> Conversations, IReadOnlyList<ChatMessage> Messages, IReadOnlyList<ChatMessage> Updates, bool HasMore);

public sealed record ConversationRemoval(long ConversationId);

public sealed record PresenceChange(long UserId, string Status, DateTimeOffset? LastSeen);

public sealed record ReadMarker(long ConversationId, long UserId, long LastReadSeq);

public sealed record TypingNotice(long ConversationId, long UserId);

/// <summary>Identity's answer to <c>GET /internal/users/{id}/group-adds</c>.</summary>
public sealed record GroupAddsSetting(string GroupAdds);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(GroupAddsSetting))]
[JsonSerializable(typeof(ChatMessage))]
[JsonSerializable(typeof(ConversationView))]
[JsonSerializable(typeof(IReadOnlyList<ConversationView>))]
[JsonSerializable(typeof(MessagePage))]
[JsonSerializable(typeof(OpenDirectRequest))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(SendMessageResult))]
[JsonSerializable(typeof(SyncCursor[]))]
[JsonSerializable(typeof(SyncResult))]
[JsonSerializable(typeof(PresenceChange))]
[JsonSerializable(typeof(ReadMarker))]
[JsonSerializable(typeof(TypingNotice))]
[JsonSerializable(typeof(CreateGroupRequest))]
[JsonSerializable(typeof(RenameRequest))]
[JsonSerializable(typeof(AddMemberRequest))]
[JsonSerializable(typeof(EditMessageRequest))]
[JsonSerializable(typeof(ReadMarkerRequest))]
[JsonSerializable(typeof(ConversationRemoval))]
[JsonSerializable(typeof(long[]))]
internal sealed partial class MessagingJsonContext : JsonSerializerContext;
