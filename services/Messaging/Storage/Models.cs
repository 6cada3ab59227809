using System.Text.Json.Serialization;

namespace Chat.Messaging.Storage;

public static class ConversationKinds
{
    public const string Direct = "direct";
    public const string Group = "group";
}

public static class MessageKinds
{
    public const string Text = "text";
    public const string System = "system";
}

/// <summary>What a system message records; membership changes travel in the conversation's own sequence.</summary>
public static class SystemEvents
{
    public const string Created = "created";
    public const string MemberAdded = "member-added";
    public const string MemberRemoved = "member-removed";
    public const string MemberLeft = "member-left";
    public const string Renamed = "renamed";
    public const string OwnerChanged = "owner-changed";
}

public sealed record SystemEvent(string Event, long ActorId, IReadOnlyList<long> UserIds, string? Title);

/// <summary>
/// A message. <see cref="Seq"/> orders messages without gaps; <see cref="Version"/> grows on every append, edit and
/// delete in the conversation, so a client can ask for what changed since the version it holds.
/// </summary>
public sealed record ChatMessage(
    long ConversationId,
    long Seq,
    long SenderId,
    string ClientMessageId,
    string Kind,
    string Text,
    IReadOnlyList<long> Media,
    SystemEvent? System,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EditedAt,
    DateTimeOffset? DeletedAt,
    long Version);

public sealed record ConversationMember(long UserId, long LastReadSeq);

public sealed record Conversation(
    long Id,
    string Kind,
    string? Title,
    long? OwnerId,
    IReadOnlyList<ConversationMember> Members,
    long LastSeq,
    long LastVersion,
    DateTimeOffset CreatedAt)
{
    public bool HasMember(long userId) => Members.Any(m => m.UserId == userId);

    public IReadOnlyList<long> MemberIds => Members.Select(m => m.UserId).ToArray();
}

/// <summary>What the store answers to an append.</summary>
public enum AppendStatus
{
    Appended,
    /// <summary>The sender already sent this client message id; the original message is returned.</summary>
    Duplicate,
    /// <summary>No such conversation, or the sender is not in it.</summary>
    NotMember,
    /// <summary>A direct conversation whose two members are blocked (either way).</summary>
    Blocked,
}

public readonly record struct AppendResult(AppendStatus Status, ChatMessage? Message, IReadOnlyList<long> MemberIds);

public sealed record NewMessage(long ConversationId, long SenderId, string ClientMessageId, string Text, IReadOnlyList<long> Media);

public sealed record MessagePage(IReadOnlyList<ChatMessage> Messages, bool HasMore)
{
    /// <summary>
    /// The page from up to <paramref name="limit"/> + 1 messages read away from the bound (ascending after it, else
    /// descending before it): the extra one only says there is more, and the page is in ascending seq either way.
    /// </summary>
    public static MessagePage FromRead(List<ChatMessage> read, int limit, bool ascending)
    {
        var hasMore = read.Count > limit;
        if (hasMore)
        {
            read.RemoveRange(limit, read.Count - limit);
        }
        if (!ascending)
        {
            read.Reverse();
        }
        return new MessagePage(read, hasMore);
    }
}

/// <summary>How a change to a conversation or a message went.</summary>
public enum ChangeStatus
{
    Done,
    /// <summary>Nothing to do: already a member, marker already further, same title.</summary>
    Unchanged,
    /// <summary>No such conversation or message that the caller can see.</summary>
    NotFound,
    /// <summary>The caller may not do this (not the owner, not the sender, a direct conversation).</summary>
    NotAllowed,
    /// <summary>The group is at its member limit.</summary>
    Full,
}

/// <summary>
/// A membership or title change: the conversation after it, the system message recording it, and who was in the
/// conversation before (the people to tell, including anyone just removed).
/// </summary>
public sealed record ConversationChange(ChangeStatus Status, Conversation? Conversation, IReadOnlyList<ChatMessage> SystemMessages, IReadOnlyList<long> Audience)
{
    public static ConversationChange Failed(ChangeStatus status) => new(status, null, [], []);
}

/// <param name="ReleasedMedia">Attachments the change took off the message (a delete), for Media to drop.</param>
public sealed record MessageChange(ChangeStatus Status, ChatMessage? Message, IReadOnlyList<long> MemberIds, IReadOnlyList<long>? ReleasedMedia = null)
{
    public static MessageChange Failed(ChangeStatus status) => new(status, null, []);
}

/// <summary>What retention removed from one conversation.</summary>
public sealed record PrunedMessages(int Count, IReadOnlyList<long> MediaIds);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SystemEvent))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
