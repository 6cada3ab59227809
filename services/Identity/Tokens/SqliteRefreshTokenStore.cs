using Chat.Sqlite;

namespace Chat.Identity.Tokens;

public sealed class SqliteRefreshTokenStore : IRefreshTokenStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS refresh_tokens (
            token_hash  BLOB PRIMARY KEY,
            family_id   TEXT NOT NULL,
            user_id     INTEGER NOT NULL,
            created_at  INTEGER NOT NULL,
            expires_at  INTEGER NOT NULL,
            replaced_by BLOB,
            revoked_at  INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens (family_id);
        CREATE INDEX IF NOT EXISTS refresh_tokens_user ON refresh_tokens (user_id);
        """;

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteRefreshTokenStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
        _database.EnsureSchema(Schema);
    }

    public async Task CreateAsync(byte[] tokenHash, long userId, string familyId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("""
            INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at)
            VALUES (@hash, @family, @user, @now, @expires)
            """)
            .With("@hash", tokenHash)
            .With("@family", familyId)
            .With("@user", userId)
            .With("@now", _time.GetUtcNow().ToUnixTimeMilliseconds())
            .With("@expires", expiresAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<RefreshResult> RotateAsync(byte[] presentedHash, byte[] nextHash, DateTimeOffset nextExpiresAt, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _database.OpenAsync(cancellationToken);
        // IMMEDIATE: two concurrent uses of one token serialise, so exactly one rotates and the other counts as reuse.
        await using var transaction = connection.BeginTransaction(deferred: false);

        string familyId;
        long userId;
        long expiresAt;
        bool replaced;
        bool revoked;
        await using (var find = connection.CreateCommand(
                "SELECT family_id, user_id, expires_at, replaced_by IS NOT NULL, revoked_at IS NOT NULL FROM refresh_tokens WHERE token_hash = @hash",
                transaction)
            .With("@hash", presentedHash))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return new RefreshResult(RefreshOutcome.Invalid);
            }
            (familyId, userId, expiresAt, replaced, revoked) =
                (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetBoolean(3), reader.GetBoolean(4));
        }

        if (revoked || expiresAt <= now)
        {
            return new RefreshResult(RefreshOutcome.Invalid);
        }
        if (replaced)
        {
            await RevokeFamilyAsync(connection, transaction, familyId, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new RefreshResult(RefreshOutcome.Reused, userId, familyId);
        }

        await using (var replace = connection.CreateCommand("UPDATE refresh_tokens SET replaced_by = @next WHERE token_hash = @hash", transaction)
            .With("@next", nextHash)
            .With("@hash", presentedHash))
        {
            await replace.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var insert = connection.CreateCommand("""
                INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at)
                VALUES (@hash, @family, @user, @now, @expires)
                """, transaction)
            .With("@hash", nextHash)
            .With("@family", familyId)
            .With("@user", userId)
            .With("@now", now)
            .With("@expires", nextExpiresAt.ToUnixTimeMilliseconds()))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new RefreshResult(RefreshOutcome.Rotated, userId, familyId);
    }

    public async Task RevokeFamilyAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("""
            UPDATE refresh_tokens SET revoked_at = @now
            WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = @hash) AND revoked_at IS NULL
            """)
            .With("@hash", tokenHash)
            .With("@now", _time.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RevokeUserAsync(long userId, string? keepFamilyId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("""
            UPDATE refresh_tokens SET revoked_at = @now
            WHERE user_id = @user AND revoked_at IS NULL AND (@keep IS NULL OR family_id <> @keep)
            """)
            .With("@user", userId)
            .With("@keep", keepFamilyId)
            .With("@now", _time.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task RevokeFamilyAsync(
        Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction transaction, string familyId, long now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(
                "UPDATE refresh_tokens SET revoked_at = @now WHERE family_id = @family AND revoked_at IS NULL", transaction)
            .With("@family", familyId)
            .With("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
