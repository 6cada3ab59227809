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

    /// <summary>Columns added after the first schema; a file from then gets them on start.</summary>
    private static readonly (string Name, string Type)[] AddedColumns = [("width", "INTEGER"), ("height", "INTEGER"), ("thumbnail_key", "TEXT")];

    private const string Indexes = """
        CREATE INDEX IF NOT EXISTS media_by_blob ON media (blob_key);
        CREATE INDEX IF NOT EXISTS media_by_thumbnail ON media (thumbnail_key) WHERE thumbnail_key IS NOT NULL;
        """;

    private const string Columns = "id, conversation_id, uploader_id, blob_key, content_type, size, file_name, width, height, thumbnail_key, created_at";

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteMediaStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
        _database.EnsureSchema(Schema);
        AddMissingColumns();
        _database.EnsureSchema(Indexes);
    }

    public async Task<MediaItem> AddAsync(NewMedia media, CancellationToken cancellationToken)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var insert = connection.CreateCommand("""
            INSERT INTO media (conversation_id, uploader_id, blob_key, content_type, size, file_name, width, height, thumbnail_key, created_at)
            VALUES (@conversation, @uploader, @key, @type, @size, @name, @width, @height, @thumbnail, @now)
            RETURNING id
            """)
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
        var id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        return new MediaItem(id, media.ConversationId, media.UploaderId, media.BlobKey, media.ContentType, media.Size, media.FileName,
            media.Width, media.Height, media.ThumbnailKey, DateTimeOffset.FromUnixTimeMilliseconds(nowMs));
    }

    public async Task<MediaItem?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand($"SELECT {Columns} FROM media WHERE id = @id").With("@id", id);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<(int Released, IReadOnlyList<string> UnreferencedBlobKeys)> ReleaseAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var released = 0;
        var candidates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids.Distinct())
        {
            await using var delete = connection.CreateCommand("DELETE FROM media WHERE id = @id RETURNING blob_key, thumbnail_key", transaction).With("@id", id);
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                released++;
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
        await transaction.CommitAsync(cancellationToken);
        return (released, unreferenced);
    }

    private static MediaItem Read(SqliteDataReader reader) => new(
        reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5),
        reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetInt32(7),
        reader.IsDBNull(8) ? null : reader.GetInt32(8),
        reader.GetNullableString(9),
        reader.GetUnixMilliseconds(10));

    private void AddMissingColumns()
    {
        using var connection = _database.OpenAsync().AsTask().GetAwaiter().GetResult();
        var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var columns = connection.CreateCommand("SELECT name FROM pragma_table_info('media')"))
        using (var reader = columns.ExecuteReader())
        {
            while (reader.Read())
            {
                existing.Add(reader.GetString(0));
            }
        }
        foreach (var (name, type) in AddedColumns.Where(column => !existing.Contains(column.Name)))
        {
            using var alter = connection.CreateCommand($"ALTER TABLE media ADD COLUMN {name} {type}");
            alter.ExecuteNonQuery();
        }
    }
}
