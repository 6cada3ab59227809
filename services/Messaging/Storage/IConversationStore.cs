namespace Chat.Messaging.Storage;

/// <summary>Conversations and who is in them. Every membership or title change is also a system message in the sequence.</summary>
public interface IConversationStore
{
    /// <summary>The one direct conversation between two users, created on first call; safe under a race.</summary>
    Task<Conversation> GetOrCreateDirectAsync(long userId, long otherUserId, CancellationToken cancellationToken);

    /// <summary>A group owned by its creator, with a "created" system message as seq 1.</summary>
    Task<ConversationChange> CreateGroupAsync(long ownerId, string title, IReadOnlyList<long> memberIds, CancellationToken cancellationToken);

    /// <summary>The conversation if the user is a member of it, else null (unknown and foreign look the same).</summary>
    Task<Conversation?> FindForMemberAsync(long conversationId, long userId, CancellationToken cancellationToken);

    /// <summary>Every conversation the user is in, most recently active first.</summary>
    Task<IReadOnlyList<Conversation>> ListForMemberAsync(long userId, CancellationToken cancellationToken);

    /// <summary>The owner adds someone to a group that has room.</summary>
    Task<ConversationChange> AddMemberAsync(long conversationId, long actorId, long userId, int maxMembers, CancellationToken cancellationToken);

    /// <summary>
    /// The owner removes someone, or anyone removes themself (leaves). An owner who leaves hands the group to the
    /// longest-standing member.
    /// </summary>
    Task<ConversationChange> RemoveMemberAsync(long conversationId, long actorId, long userId, CancellationToken cancellationToken);

    /// <summary>Any member renames a group.</summary>
    Task<ConversationChange> RenameAsync(long conversationId, long actorId, string title, CancellationToken cancellationToken);

    /// <summary>Everyone who shares at least one conversation with the user (whom their presence concerns).</summary>
    Task<IReadOnlySet<long>> ListContactsAsync(long userId, CancellationToken cancellationToken);

    /// <summary>Moves the member's read marker forward (never back, never past the last seq).</summary>
    Task<ReadMarkerChange> MarkReadAsync(long conversationId, long userId, long seq, CancellationToken cancellationToken);
}

public sealed record ReadMarkerChange(ChangeStatus Status, long LastReadSeq, IReadOnlyList<long> MemberIds);
