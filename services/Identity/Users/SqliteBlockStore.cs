using Chat.Sqlite;

namespace Chat.Identity.Users;

public sealed class SqliteBlockStore : IBlockStore
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteBlockStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
        IdentitySchema.Apply(_database);
    }

    public async Task<bool> IsBlockedAsync(long blockerId, long blockedId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT EXISTS (SELECT 1 FROM blocks WHERE blocker_id = @blocker AND blocked_id = @blocked)")
            .With("@blocker", blockerId)
            .With("@blocked", blockedId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    public async Task AddAsync(long blockerId, long blockedId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("""
            INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (@blocker, @blocked, @now) ON CONFLICT DO NOTHING
            """)
            .With("@blocker", blockerId)
            .With("@blocked", blockedId)
            .With("@now", _time.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RemoveAsync(long blockerId, long blockedId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("DELETE FROM blocks WHERE blocker_id = @blocker AND blocked_id = @blocked")
            .With("@blocker", blockerId)
            .With("@blocked", blockedId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<long>> ListAsync(long blockerId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT blocked_id FROM blocks WHERE blocker_id = @blocker ORDER BY created_at, blocked_id")
            .With("@blocker", blockerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }
}
