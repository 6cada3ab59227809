using Chat.Sqlite;

namespace Chat.Identity.Tokens;

public sealed class SqliteRefreshTokenStore : IRefreshTokenStore
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteRefreshTokenStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
        IdentitySchema.Apply(_database);
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

    public async Task<RefreshResult> RotateAsync(byte[] presentedHash, RefreshSuccessor next, TimeSpan reuseGrace, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _database.OpenAsync(cancellationToken);
        // IMMEDIATE: two concurrent uses of one token serialise, so exactly one rotates and the other counts as reuse.
        await using var transaction = connection.BeginTransaction(deferred: false);

        string familyId;
        long userId;
        long expiresAt;
        byte[]? replacedBy;
        bool revoked;
        long? replacedAt;
        byte[]? successorSalt;
        await using (var find = connection.CreateCommand(
                "SELECT family_id, user_id, expires_at, replaced_by, revoked_at IS NOT NULL, replaced_at, successor_salt FROM refresh_tokens WHERE token_hash = @hash",
                transaction)
            .With("@hash", presentedHash))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return new RefreshResult(RefreshOutcome.Invalid);
            }
            (familyId, userId, expiresAt, revoked) = (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetBoolean(4));
            replacedBy = reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3);
            replacedAt = reader.IsDBNull(5) ? null : reader.GetInt64(5);
            successorSalt = reader.IsDBNull(6) ? null : (byte[])reader.GetValue(6);
        }

        if (revoked || expiresAt <= now)
        {
            return new RefreshResult(RefreshOutcome.Invalid);
        }
        if (replacedBy is not null)
        {
            if (replacedAt is { } at && now - at < (long)reuseGrace.TotalMilliseconds && successorSalt is not null
                && await FindCurrentExpiryAsync(connection, transaction, replacedBy, now, cancellationToken) is { } successorExpiresAt)
            {
                return new RefreshResult(RefreshOutcome.Rotated, userId, familyId, successorSalt, DateTimeOffset.FromUnixTimeMilliseconds(successorExpiresAt));
            }
            await RevokeFamilyAsync(connection, transaction, familyId, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new RefreshResult(RefreshOutcome.Reused, userId, familyId);
        }

        await using (var replace = connection.CreateCommand(
                "UPDATE refresh_tokens SET replaced_by = @next, replaced_at = @now, successor_salt = @salt WHERE token_hash = @hash", transaction)
            .With("@next", next.Hash)
            .With("@now", now)
            .With("@salt", next.Salt)
            .With("@hash", presentedHash))
        {
            await replace.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var insert = connection.CreateCommand("""
                INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at)
                VALUES (@hash, @family, @user, @now, @expires)
                """, transaction)
            .With("@hash", next.Hash)
            .With("@family", familyId)
            .With("@user", userId)
            .With("@now", now)
            .With("@expires", next.ExpiresAt.ToUnixTimeMilliseconds()))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new RefreshResult(RefreshOutcome.Rotated, userId, familyId, next.Salt, next.ExpiresAt);
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

    public async Task<IReadOnlyList<SessionRevocation>> ListRevokedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(
                "SELECT family_id, MAX(revoked_at) FROM refresh_tokens WHERE revoked_at >= @since GROUP BY family_id")
            .With("@since", since.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var revocations = new List<SessionRevocation>();
        while (await reader.ReadAsync(cancellationToken))
        {
            revocations.Add(new SessionRevocation(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))));
        }
        return revocations;
    }

    /// <summary>The expiry of the token if it is still its family's current one (not replaced, not revoked, not expired).</summary>
    private static async Task<long?> FindCurrentExpiryAsync(
        Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction transaction, byte[] tokenHash, long now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(
                "SELECT expires_at FROM refresh_tokens WHERE token_hash = @hash AND replaced_by IS NULL AND revoked_at IS NULL AND expires_at > @now",
                transaction)
            .With("@hash", tokenHash)
            .With("@now", now);
        return await command.ExecuteScalarAsync(cancellationToken) is long expiresAt ? expiresAt : null;
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
