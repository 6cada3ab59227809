using Chat.Messaging.Storage;

namespace Chat.Messaging.Presence;

/// <summary>Who may see a user's presence: those sharing a conversation with them, less anyone blocked either way.</summary>
public sealed class PresenceAudience(IConversationStore conversations, IBlockStore blocks)
{
    public async Task<IReadOnlySet<long>> ContactsOfAsync(long userId, CancellationToken cancellationToken)
    {
        var contacts = await conversations.ListContactsAsync(userId, cancellationToken);
        var blocked = await blocks.BlockedEitherWayAsync(userId, cancellationToken);
        if (blocked.Count == 0)
        {
            return contacts;
        }
        var visible = contacts.ToHashSet();
        visible.ExceptWith(blocked);
        return visible;
    }
}
