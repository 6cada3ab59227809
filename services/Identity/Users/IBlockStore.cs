namespace Chat.Identity.Users;

/// <summary>Whom each user blocked; the list of record, of which Messaging keeps an enforcement copy.</summary>
public interface IBlockStore
{
    Task<bool> IsBlockedAsync(long blockerId, long blockedId, CancellationToken cancellationToken);

    /// <summary>Records the block; idempotent.</summary>
    Task AddAsync(long blockerId, long blockedId, CancellationToken cancellationToken);

    /// <summary>Lifts the block; idempotent.</summary>
    Task RemoveAsync(long blockerId, long blockedId, CancellationToken cancellationToken);

    /// <summary>Whom the user blocked, oldest block first.</summary>
    Task<IReadOnlyList<long>> ListAsync(long blockerId, CancellationToken cancellationToken);
}
