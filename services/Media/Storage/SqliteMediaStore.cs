using Chat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Media.Storage;

public sealed class SqliteMediaStore : IMediaStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS media (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL,
            uploader_id     INTEGER NOT NULL,
            blob_key        TEXT NOT NULL,
            content_type    TEXT NOT NULL,
            size            INTEGER NOT NULL,
            file_name       TEXT NOT NULL,
            created_at      INTEGER NOT NULL,
            width           INTEGER,
            height          INTEGER,
            thumbnail_key   TEXT
        );
        CREATE INDEX IF NOT EXISTS media_by_conversation ON media (conversation_id, id);
        """;

    private const string Indexes = """
        CREATE INDEX IF NOT EXISTS media_by_blob ON media (blob_key);
        CREATE INDEX IF NOT EXISTS media_by_thumbnail ON media (thumbnail_key) WHERE thumbnail_key IS NOT NULL;
        CREATE INDEX IF NOT EXISTS media_unattached ON media (created_at) WHERE attached_at IS NULL;
        CREATE TABLE IF NOT EXISTS media_references (
            media_id        INTEGER NOT NULL,
            conversation_id INTEGER NOT NULL,
            seq             INTEGER NOT NULL,
            released        INTEGER NOT NULL,
            PRIMARY KEY (media_id, conversation_id, seq)
        ) WITHOUT ROWID;
        """;

    private const string Columns = "id, conversation_id, uploader_id, blob_key, content_type, size, file_name, width, height, thumbnail_key, created_at, attached_at";

    /// <summary>SQLITE_CONSTRAINT_PRIMARYKEY: the random id drawn is taken; draw again.</summary>
    private const int PrimaryKeyTaken = 1555;

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteMediaStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
        // media.db's history; files from before numbered steps already hold some of it, and those steps add only what is missing.
        _database.Migrate(
            Schema,
            // Columns added after the first schema: a file from then gets them.
            SqliteMigration.AddColumn("media", "width", "INTEGER"),
            SqliteMigration.AddColumn("media", "height", "INTEGER"),
            SqliteMigration.AddColumn("media", "thumbnail_key", "TEXT"),
            // Media stored before references were kept was visible to every member: it stays so, and is never swept.
            SqliteMigration.AddColumn("media", "attached_at", "INTEGER", backfill: "UPDATE media SET attached_at = created_at"),
            Indexes);
    }

    public async Task<MediaItem> AddAsync(NewMedia media, CancellationToken cancellationToken)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _database.OpenAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var id = MediaIds.Next();
            await using var insert = connection.CreateCommand("""
                INSERT INTO media (id, conversation_id, uploader_id, blob_key, content_type, size, file_name, width, height, thumbnail_key, created_at)
                VALUES (@id, @conversation, @uploader, @key, @type, @size, @name, @width, @height, @thumbnail, @now)
                """)
                .With("@id", id)
                .With("@conversation", media.ConversationId)
                .With("@uploader", media.UploaderId)
                .With("@key", media.BlobKey)
                .With("@type", media.ContentType)
                .With("@size", media.Size)
                .With("@name", media.FileName)
                .With("@width", media.Width)
                .With("@height", media.Height)
                .With("@thumbnail", media.ThumbnailKey)
                .With("@now", nowMs);
            try
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (SqliteException e) when (e.SqliteExtendedErrorCode == PrimaryKeyTaken && attempt < MediaIds.MaxAttempts)
            {
                continue;
            }
            return new MediaItem(id, media.ConversationId, media.UploaderId, media.BlobKey, media.ContentType, media.Size, media.FileName,
                media.Width, media.Height, media.ThumbnailKey, DateTimeOffset.FromUnixTimeMilliseconds(nowMs));
        }
    }

    public async Task<MediaItem?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand($"SELECT {Columns} FROM media WHERE id = @id").With("@id", id);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<MediaRemoval> ApplyReferencesAsync(IReadOnlyCollection<MediaReferenceChange> changes, CancellationToken cancellationToken)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        // Only a reference to media of the same conversation counts; one released before stays released (ON CONFLICT).
        await using var attach = connection.CreateCommand("""
            INSERT INTO media_references (media_id, conversation_id, seq, released)
            SELECT @media, @conversation, @seq, 0 WHERE EXISTS (SELECT 1 FROM media WHERE id = @media AND conversation_id = @conversation)
            ON CONFLICT (media_id, conversation_id, seq) DO NOTHING
            """, transaction);
        await using var markAttached = connection.CreateCommand(
            "UPDATE media SET attached_at = @now WHERE id = @media AND attached_at IS NULL", transaction);
        await using var release = connection.CreateCommand("""
            INSERT INTO media_references (media_id, conversation_id, seq, released) VALUES (@media, @conversation, @seq, 1)
            ON CONFLICT (media_id, conversation_id, seq) DO UPDATE SET released = 1
            """, transaction);
        var released = new HashSet<long>();
        foreach (var change in changes)
        {
            var command = change.Attached ? attach : release;
            command.Parameters.Clear();
            command.With("@media", change.MediaId).With("@conversation", change.ConversationId).With("@seq", change.Seq);
            var inserted = await command.ExecuteNonQueryAsync(cancellationToken);
            if (change.Attached && inserted > 0)
            {
                markAttached.Parameters.Clear();
                await markAttached.With("@now", nowMs).With("@media", change.MediaId).ExecuteNonQueryAsync(cancellationToken);
            }
            else if (!change.Attached)
            {
                released.Add(change.MediaId);
            }
        }
        var orphans = new List<long>();
        foreach (var mediaId in released)
        {
            await using var live = connection.CreateCommand(
                "SELECT EXISTS (SELECT 1 FROM media_references WHERE media_id = @media AND released = 0)", transaction).With("@media", mediaId);
            if ((long)(await live.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                orphans.Add(mediaId);
            }
        }
        var removal = await DeleteRowsAsync(connection, transaction, orphans, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return removal;
    }

    public async Task<UploadDeletion> DeleteUnattachedAsync(long id, long uploaderId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var select = connection.CreateCommand("SELECT uploader_id, attached_at FROM media WHERE id = @id", transaction).With("@id", id))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken) || reader.GetInt64(0) != uploaderId)
            {
                return new UploadDeletion(UploadDeletionStatus.NotFound, MediaRemoval.None);
            }
            if (!reader.IsDBNull(1))
            {
                return new UploadDeletion(UploadDeletionStatus.Attached, MediaRemoval.None);
            }
        }
        var removal = await DeleteRowsAsync(connection, transaction, [id], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new UploadDeletion(UploadDeletionStatus.Deleted, removal);
    }

    public async Task<MediaRemoval> RemoveUnattachedAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var ids = new List<long>();
        await using (var select = connection.CreateCommand(
            "SELECT id FROM media WHERE attached_at IS NULL AND created_at < @cutoff LIMIT @limit", transaction)
            .With("@cutoff", createdBefore.ToUnixTimeMilliseconds())
            .With("@limit", limit))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
            }
        }
        var removal = await DeleteRowsAsync(connection, transaction, ids, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return removal;
    }

    /// <summary>Deletes the media rows and their references; answers the blob keys no remaining row points at.</summary>
    private static async Task<MediaRemoval> DeleteRowsAsync(
        SqliteConnection connection, SqliteTransaction transaction, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        var removed = 0;
        var candidates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids.Distinct())
        {
            await using (var references = connection.CreateCommand("DELETE FROM media_references WHERE media_id = @id", transaction).With("@id", id))
            {
                await references.ExecuteNonQueryAsync(cancellationToken);
            }
            await using var delete = connection.CreateCommand("DELETE FROM media WHERE id = @id RETURNING blob_key, thumbnail_key", transaction).With("@id", id);
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                removed++;
                candidates.Add(reader.GetString(0));
                if (reader.GetNullableString(1) is { } thumbnail)
                {
                    candidates.Add(thumbnail);
                }
            }
        }
        var unreferenced = new List<string>();
        foreach (var key in candidates)
        {
            await using var count = connection.CreateCommand(
                "SELECT EXISTS (SELECT 1 FROM media WHERE blob_key = @key) OR EXISTS (SELECT 1 FROM media WHERE thumbnail_key = @key)", transaction)
                .With("@key", key);
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                unreferenced.Add(key);
            }
        }
        return new MediaRemoval(removed, unreferenced);
    }

    private static MediaItem Read(SqliteDataReader reader) => new(
        reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5),
        reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetInt32(7),
        reader.IsDBNull(8) ? null : reader.GetInt32(8),
        reader.GetNullableString(9),
        reader.GetUnixMilliseconds(10),
        !reader.IsDBNull(11));
}
