using Chat.Messaging.Contracts;
using Chat.Messaging.Messages;
using Chat.Messaging.Presence;
using Chat.Messaging.Storage;

namespace Chat.Messaging.Conversations;

/// <summary>
/// Identity's blocks, as Messaging applies them: recorded in Messaging's own copy (which the stores enforce on sends
/// and new direct conversations) and reflected in presence at once. Idempotent, so Identity may repeat a call.
/// </summary>
public sealed class BlockCommands(IBlockStore blocks, IChatEvents events, PresenceRelay presence, PresenceContactsCache presenceContacts)
{
    public async Task BlockAsync(long blockerId, long blockedId, CancellationToken cancellationToken)
    {
        await blocks.SetAsync(blockerId, blockedId, blocked: true, cancellationToken);
        // Each stops seeing the other online at once, not at their next reconnect or when Presence's cache expires.
        await events.PresenceChangedAsync(new PresenceChange(blockedId, "offline", null), blockerId);
        await events.PresenceChangedAsync(new PresenceChange(blockerId, "offline", null), blockedId);
        presenceContacts.Forget(blockerId, blockedId);
    }

    public async Task UnblockAsync(long blockerId, long blockedId, CancellationToken cancellationToken)
    {
        await blocks.SetAsync(blockerId, blockedId, blocked: false, cancellationToken);
        // Each may see the other again: Presence recomputes their contacts, and their next status reaches the other.
        presence.Forget(blockerId, blockedId);
        presenceContacts.Forget(blockerId, blockedId);
    }
}
