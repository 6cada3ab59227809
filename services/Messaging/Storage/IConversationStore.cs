namespace Chat.Messaging.Storage;

/// <summary>Conversations and who is in them.</summary>
public interface IConversationStore
{
    /// <summary>The one direct conversation between two users, created on first call; safe under a race.</summary>
    Task<Conversation> GetOrCreateDirectAsync(long userId, long otherUserId, CancellationToken cancellationToken);

    /// <summary>The conversation if the user is a member of it, else null (unknown and foreign look the same).</summary>
    Task<Conversation?> FindForMemberAsync(long conversationId, long userId, CancellationToken cancellationToken);

    /// <summary>Every conversation the user is in, most recently active first.</summary>
    Task<IReadOnlyList<Conversation>> ListForMemberAsync(long userId, CancellationToken cancellationToken);
}
