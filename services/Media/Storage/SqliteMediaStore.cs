using Chat.Sqlite;

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
            created_at      INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS media_by_conversation ON media (conversation_id, id);
        """;

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteMediaStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
        _database.EnsureSchema(Schema);
    }

    public async Task<MediaItem> AddAsync(long conversationId, long uploaderId, string blobKey, string contentType, long size, string fileName, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var insert = connection.CreateCommand("""
            INSERT INTO media (conversation_id, uploader_id, blob_key, content_type, size, file_name, created_at)
            VALUES (@conversation, @uploader, @key, @type, @size, @name, @now)
            RETURNING id
            """)
            .With("@conversation", conversationId)
            .With("@uploader", uploaderId)
            .With("@key", blobKey)
            .With("@type", contentType)
            .With("@size", size)
            .With("@name", fileName)
            .With("@now", now.ToUnixTimeMilliseconds());
        var id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        return new MediaItem(id, conversationId, uploaderId, blobKey, contentType, size, fileName, DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()));
    }

    public async Task<MediaItem?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand("""
            SELECT id, conversation_id, uploader_id, blob_key, content_type, size, file_name, created_at FROM media WHERE id = @id
            """)
            .With("@id", id);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new MediaItem(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt64(5), reader.GetString(6), reader.GetUnixMilliseconds(7))
            : null;
    }
}
