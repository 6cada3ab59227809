using Chat.Sqlite;

namespace Chat.Identity;

/// <summary>
/// The history of identity.db, shared by the user, refresh-token and block stores as one list of steps (one
/// <c>user_version</c> per file); each store applies it on start, and a file already up to date only reads the version.
/// Files from before the refresh-token and block tables were numbered already hold them: those steps create only
/// what is missing.
/// </summary>
public static class IdentitySchema
{
    private const string Users = """
        CREATE TABLE IF NOT EXISTS users (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            username      TEXT NOT NULL COLLATE NOCASE UNIQUE,
            display_name  TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at    INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS users_display_name ON users (display_name COLLATE NOCASE)
        """;

    // One comparison form with MongoDB (AccountRules.UsernameKey): NOCASE folds ASCII only. Usernames stored so far are
    // ASCII (the pattern), so lower() computes their key exactly. Plus who may add the user to groups.
    private const string UsernameKeysAndGroupAdds = """
        ALTER TABLE users ADD COLUMN username_key TEXT;
        UPDATE users SET username_key = lower(username);
        CREATE UNIQUE INDEX users_username_key ON users (username_key);
        ALTER TABLE users ADD COLUMN group_adds TEXT NOT NULL DEFAULT 'everyone'
        """;

    private const string RefreshTokens = """
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
        CREATE INDEX IF NOT EXISTS refresh_tokens_user ON refresh_tokens (user_id)
        """;

    // The revocation feed reads families by when they were revoked.
    private const string RevokedIndex = "CREATE INDEX IF NOT EXISTS refresh_tokens_revoked ON refresh_tokens (revoked_at) WHERE revoked_at IS NOT NULL";

    private const string Blocks = """
        CREATE TABLE IF NOT EXISTS blocks (
            blocker_id INTEGER NOT NULL,
            blocked_id INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (blocker_id, blocked_id)
        ) WITHOUT ROWID
        """;

    public static void Apply(SqliteDatabase database) => database.Migrate(
        Users,
        UsernameKeysAndGroupAdds,
        RefreshTokens,
        // When a token was replaced and the salt its successor derives from (the reuse grace window).
        SqliteMigration.AddColumn("refresh_tokens", "replaced_at", "INTEGER"),
        SqliteMigration.AddColumn("refresh_tokens", "successor_salt", "BLOB"),
        RevokedIndex,
        Blocks);
}
