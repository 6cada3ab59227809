namespace Chat.Messaging.Storage;

/// <summary>
/// Messaging's enforcement copy of who blocked whom. Identity owns the list and tells Messaging of every change
/// before it answers (<c>PUT/DELETE /internal/blocks/{blockerId}/{blockedId}</c>); Messaging checks this copy on
/// its own paths (the send of a direct message checks it inside the append's transaction) without asking Identity.
/// </summary>
public interface IBlockStore
{
    /// <summary>Records or lifts a block; idempotent either way.</summary>
    Task SetAsync(long blockerId, long blockedId, bool blocked, CancellationToken cancellationToken);

    /// <summary>Whether either of the two blocked the other.</summary>
    Task<bool> EitherBlockedAsync(long userId, long otherUserId, CancellationToken cancellationToken);

    /// <summary>Those of <paramref name="userIds"/> who blocked <paramref name="blockedId"/>.</summary>
    Task<IReadOnlySet<long>> WhoBlockedAsync(long blockedId, IReadOnlyCollection<long> userIds, CancellationToken cancellationToken);

    /// <summary>Everyone the user blocked or was blocked by: they do not see each other's presence.</summary>
    Task<IReadOnlySet<long>> BlockedEitherWayAsync(long userId, CancellationToken cancellationToken);
}
