using Chat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Identity.Users;

public sealed class SqliteUserStore : IUserStore
{
    private const int SqliteConstraintUnique = 2067;

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteUserStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
        IdentitySchema.Apply(_database);
    }

    public async Task<User?> CreateAsync(string username, string displayName, string passwordHash, CancellationToken cancellationToken)
    {
        username = AccountRules.NormalizeUsername(username);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("""
            INSERT INTO users (username, username_key, display_name, password_hash, created_at)
            VALUES (@username, @key, @displayName, @hash, @now)
            RETURNING id
            """)
            .With("@username", username)
            .With("@key", AccountRules.UsernameKey(username))
            .With("@displayName", displayName)
            .With("@hash", passwordHash)
            .With("@now", _time.GetUtcNow().ToUnixTimeMilliseconds());
        try
        {
            var id = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            return new User(id, username, displayName);
        }
        catch (SqliteException e) when (e.SqliteExtendedErrorCode == SqliteConstraintUnique)
        {
            return null;
        }
    }

    public async Task<User?> FindByIdAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT id, username, display_name FROM users WHERE id = @id")
            .With("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadUser(reader) : null;
    }

    public async Task<UserCredentials?> FindCredentialsAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(
                "SELECT id, username, display_name, password_hash FROM users WHERE username_key = @key")
            .With("@key", AccountRules.UsernameKey(username));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new UserCredentials(ReadUser(reader), reader.GetString(3)) : null;
    }

    public async Task<UserCredentials?> FindCredentialsByIdAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(
                "SELECT id, username, display_name, password_hash FROM users WHERE id = @id")
            .With("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new UserCredentials(ReadUser(reader), reader.GetString(3)) : null;
    }

    public async Task<User?> UpdateDisplayNameAsync(long id, string displayName, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(
                "UPDATE users SET display_name = @displayName WHERE id = @id RETURNING id, username, display_name")
            .With("@id", id)
            .With("@displayName", displayName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadUser(reader) : null;
    }

    public async Task<bool> UpdatePasswordHashAsync(long id, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("UPDATE users SET password_hash = @hash WHERE id = @id")
            .With("@id", id)
            .With("@hash", passwordHash);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<User>> SearchAsync(string prefix, long afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("""
            SELECT id, username, display_name FROM users
            WHERE (username_key LIKE @keyPattern ESCAPE '\' OR display_name LIKE @pattern ESCAPE '\') AND id > @afterId
            ORDER BY id
            LIMIT @limit
            """)
            .With("@keyPattern", EscapeLike(AccountRules.UsernameKey(prefix)) + "%")
            .With("@pattern", EscapeLike(prefix) + "%")
            .With("@afterId", afterId)
            .With("@limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new List<User>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(ReadUser(reader));
        }
        return users;
    }

    public async Task<string?> FindGroupAddsAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT group_adds FROM users WHERE id = @id").With("@id", id);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<bool> UpdateGroupAddsAsync(long id, string groupAdds, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("UPDATE users SET group_adds = @groupAdds WHERE id = @id")
            .With("@id", id)
            .With("@groupAdds", groupAdds);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static User ReadUser(SqliteDataReader reader) => new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2));

    private static string EscapeLike(string value) =>
        value.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
