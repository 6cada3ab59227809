using Chat.Sqlite;

namespace Chat.Messaging.Storage;

/// <summary>The messaging SQLite file and its schema, shared by the conversation and message stores.</summary>
public sealed class MessagingDatabase
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS conversations (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            kind        TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
            title       TEXT,
            owner_id    INTEGER,
            direct_key  TEXT UNIQUE,
            last_seq    INTEGER NOT NULL DEFAULT 0,
            created_at  INTEGER NOT NULL,
            updated_at  INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS members (
            conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            user_id         INTEGER NOT NULL,
            last_read_seq   INTEGER NOT NULL DEFAULT 0,
            joined_at       INTEGER NOT NULL,
            PRIMARY KEY (conversation_id, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS members_by_user ON members (user_id, conversation_id);
        CREATE TABLE IF NOT EXISTS messages (
            conversation_id   INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            seq               INTEGER NOT NULL,
            sender_id         INTEGER NOT NULL,
            client_message_id TEXT NOT NULL,
            text              TEXT NOT NULL,
            media             TEXT,
            created_at        INTEGER NOT NULL,
            PRIMARY KEY (conversation_id, seq)
        );
        CREATE UNIQUE INDEX IF NOT EXISTS messages_idempotency ON messages (conversation_id, sender_id, client_message_id);
        """;

    public MessagingDatabase(string path)
    {
        Database = new SqliteDatabase(path);
        Database.EnsureSchema(Schema);
    }

    public SqliteDatabase Database { get; }

    /// <summary>
    /// Serialises this process's writers; SQLite has one writer at a time anyway, and queuing here is
    /// cheaper than SQLite's busy back-off. Other replicas are serialised by the file lock.
    /// </summary>
    public SemaphoreSlim WriteLock { get; } = new(1, 1);
}
