using System.Runtime.CompilerServices;
using Chat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Identity.Users;

/// <summary>Identity's archive on identity.db; the tables are the ones <see cref="SqliteUserStore"/> and <see cref="SqliteBlockStore"/> make.</summary>
public sealed class SqliteIdentityArchive : IIdentityArchive
{
    private readonly SqliteDatabase _database;

    public SqliteIdentityArchive(SqliteDatabase database)
    {
        _database = database;
        // The stores own the schema: constructing them brings a new or older file to the shape the service expects.
        _ = new SqliteUserStore(database, TimeProvider.System);
        _ = new SqliteBlockStore(database, TimeProvider.System);
    }

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(
            "SELECT NOT EXISTS (SELECT 1 FROM users) AND NOT EXISTS (SELECT 1 FROM blocks)");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    public async IAsyncEnumerable<ArchivedUser> ReadUsersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(
            "SELECT id, username, display_name, password_hash, group_adds, created_at FROM users ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ArchivedUser(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetInt64(5));
        }
    }

    public async IAsyncEnumerable<ArchivedBlock> ReadBlocksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT blocker_id, blocked_id, created_at FROM blocks ORDER BY blocker_id, blocked_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ArchivedBlock(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }
    }

    public Task WriteUsersAsync(IReadOnlyList<ArchivedUser> users, CancellationToken cancellationToken) =>
        WriteAsync(users, """
            INSERT INTO users (id, username, username_key, display_name, password_hash, group_adds, created_at)
            VALUES (@id, @username, @key, @displayName, @hash, @groupAdds, @createdAt)
            """, (command, user) => command
                .With("@id", user.Id)
                .With("@username", user.Username)
                .With("@key", AccountRules.UsernameKey(user.Username))
                .With("@displayName", user.DisplayName)
                .With("@hash", user.PasswordHash)
                .With("@groupAdds", user.GroupAdds)
                .With("@createdAt", user.CreatedAt), cancellationToken);

    public Task WriteBlocksAsync(IReadOnlyList<ArchivedBlock> blocks, CancellationToken cancellationToken) =>
        WriteAsync(blocks, "INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (@blocker, @blocked, @createdAt)",
            (command, block) => command.With("@blocker", block.BlockerId).With("@blocked", block.BlockedId).With("@createdAt", block.CreatedAt),
            cancellationToken);

    // AUTOINCREMENT already moved past the largest id inserted: nothing left to do.
    public Task CompleteImportAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>One batch, one transaction: a failing row leaves nothing of its batch behind.</summary>
    private async Task WriteAsync<T>(IReadOnlyList<T> rows, string sql, Action<SqliteCommand, T> bind, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var row in rows)
        {
            await using var command = connection.CreateCommand(sql, transaction);
            bind(command, row);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}
