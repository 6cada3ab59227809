using Chat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Messaging.Storage;

/// <summary>The messaging SQLite file and its schema, shared by the conversation and message stores.</summary>
public sealed class MessagingDatabase
{
    private const string InitialSchema = """
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
        CREATE UNIQUE INDEX IF NOT EXISTS messages_idempotency ON messages (conversation_id, sender_id, client_message_id)
        """;

    // Groups, edits and deletes: message kinds, a per-conversation change version, and indexes for sync and retention.
    private const string VersionsAndSystemMessages = """
        ALTER TABLE conversations ADD COLUMN last_version INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'text';
        ALTER TABLE messages ADD COLUMN system TEXT;
        ALTER TABLE messages ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE messages ADD COLUMN edited_at INTEGER;
        ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
        UPDATE messages SET version = seq;
        UPDATE conversations SET last_version = last_seq;
        CREATE INDEX messages_by_version ON messages (conversation_id, version);
        CREATE INDEX messages_by_age ON messages (created_at)
        """;

    // Media reference changes waiting for Media, written in the transaction of the append, delete or prune (IMediaOutbox).
    private const string MediaOutbox = """
        CREATE TABLE media_outbox (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            media_id        INTEGER NOT NULL,
            conversation_id INTEGER NOT NULL,
            seq             INTEGER NOT NULL,
            attached        INTEGER NOT NULL
        );
        CREATE INDEX media_outbox_by_message ON media_outbox (conversation_id, seq)
        """;

    // Messaging's copy of Identity's blocks (see IBlockStore); the send path reads it by primary key.
    private const string BlocksSchema = """
        CREATE TABLE IF NOT EXISTS blocks (
            blocker_id INTEGER NOT NULL,
            blocked_id INTEGER NOT NULL,
            PRIMARY KEY (blocker_id, blocked_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS blocks_by_blocked ON blocks (blocked_id, blocker_id)
        """;

    public MessagingDatabase(string path)
    {
        Database = new SqliteDatabase(path);
        Database.Migrate(InitialSchema, VersionsAndSystemMessages, MediaOutbox, BlocksSchema);
    }

    public SqliteDatabase Database { get; }

    /// <summary>
    /// Serialises this process's writers; SQLite has one writer at a time anyway, and queuing here is
    /// cheaper than SQLite's busy back-off. Other replicas are serialised by the file lock.
    /// </summary>
    private SemaphoreSlim WriteLock { get; } = new(1, 1);

    /// <summary>
    /// Runs <paramref name="work"/> in an IMMEDIATE transaction: the write lock is taken up front, so a
    /// read-then-write (the next seq, a membership check) cannot interleave with another writer, in this
    /// process or in another replica sharing the file.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        return await WriteAsync(connection, work, cancellationToken);
    }

    /// <summary>The same on a connection the caller keeps open (the message writer's, with its statements prepared once).</summary>
    public async Task<T> WriteAsync<T>(SqliteConnection connection, Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await WriteLock.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = connection.BeginTransaction();
            var result = await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            WriteLock.Release();
        }
    }
}
