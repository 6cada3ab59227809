using Chat.Sqlite;

namespace Chat.Messaging.Storage;

/// <summary>Blocks in messaging.db (the <c>blocks</c> table <see cref="MessagingDatabase"/> creates), keyed both ways.</summary>
public sealed class SqliteBlockStore(MessagingDatabase database) : IBlockStore
{
    public async Task SetAsync(long blockerId, long blockedId, bool blocked, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand(blocked
                    ? "INSERT INTO blocks (blocker_id, blocked_id) VALUES (@blocker, @blocked) ON CONFLICT DO NOTHING"
                    : "DELETE FROM blocks WHERE blocker_id = @blocker AND blocked_id = @blocked", transaction)
                .With("@blocker", blockerId)
                .With("@blocked", blockedId);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public async Task<bool> EitherBlockedAsync(long userId, long otherUserId, CancellationToken cancellationToken)
    {
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("""
            SELECT EXISTS (SELECT 1 FROM blocks WHERE blocker_id = @a AND blocked_id = @b)
                OR EXISTS (SELECT 1 FROM blocks WHERE blocker_id = @b AND blocked_id = @a)
            """)
            .With("@a", userId)
            .With("@b", otherUserId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    public async Task<IReadOnlySet<long>> WhoBlockedAsync(long blockedId, IReadOnlyCollection<long> userIds, CancellationToken cancellationToken)
    {
        var wanted = userIds.ToHashSet();
        var found = await ReadIdsAsync("SELECT blocker_id FROM blocks WHERE blocked_id = @user", blockedId, cancellationToken);
        found.IntersectWith(wanted);
        return found;
    }

    public async Task<IReadOnlySet<long>> BlockedEitherWayAsync(long userId, CancellationToken cancellationToken) =>
        await ReadIdsAsync("""
            SELECT blocked_id FROM blocks WHERE blocker_id = @user
            UNION SELECT blocker_id FROM blocks WHERE blocked_id = @user
            """, userId, cancellationToken);

    private async Task<HashSet<long>> ReadIdsAsync(string sql, long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(sql).With("@user", userId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new HashSet<long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }
}
