namespace Chat.Identity.Users;

/// <summary>A user as an export carries it: the password hash and the group-add setting included, refresh tokens never.</summary>
/// <param name="CreatedAt">Unix milliseconds, as the stores keep it, so an import preserves it exactly.</param>
public sealed record ArchivedUser(long Id, string Username, string DisplayName, string PasswordHash, string GroupAdds, long CreatedAt);

/// <summary>One block as Identity keeps it; <paramref name="CreatedAt"/> orders a user's block list.</summary>
public sealed record ArchivedBlock(long BlockerId, long BlockedId, long CreatedAt);

/// <summary>
/// Whole-deployment reading and writing of Identity's data (users, blocks), beside the stores and on the same database,
/// for moving a deployment between engines. Writes keep ids and timestamps; they never run while the service serves.
/// </summary>
public interface IIdentityArchive
{
    /// <summary>Whether the database holds no user and no block.</summary>
    Task<bool> IsEmptyAsync(CancellationToken cancellationToken);

    /// <summary>Every user in id order, read as a stream.</summary>
    IAsyncEnumerable<ArchivedUser> ReadUsersAsync(CancellationToken cancellationToken);

    IAsyncEnumerable<ArchivedBlock> ReadBlocksAsync(CancellationToken cancellationToken);

    /// <summary>Inserts users with their own ids; an id or username already present fails the batch.</summary>
    Task WriteUsersAsync(IReadOnlyList<ArchivedUser> users, CancellationToken cancellationToken);

    Task WriteBlocksAsync(IReadOnlyList<ArchivedBlock> blocks, CancellationToken cancellationToken);

    /// <summary>After the last write: new users get ids above every imported one.</summary>
    Task CompleteImportAsync(CancellationToken cancellationToken);
}
