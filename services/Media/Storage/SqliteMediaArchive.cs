using System.Runtime.CompilerServices;
using Chat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Media.Storage;

/// <summary>Media's archive on media.db; the tables are the ones <see cref="SqliteMediaStore"/> makes.</summary>
public sealed class SqliteMediaArchive : IMediaArchive
{
    private readonly SqliteDatabase _database;

    public SqliteMediaArchive(SqliteDatabase database)
    {
        _database = database;
        // The store owns the schema: constructing it brings a new or older file to the shape the service expects.
        _ = new SqliteMediaStore(database, TimeProvider.System);
    }

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT NOT EXISTS (SELECT 1 FROM media) AND NOT EXISTS (SELECT 1 FROM media_references)");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    public async IAsyncEnumerable<ArchivedMedia> ReadMediaAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("""
            SELECT id, conversation_id, uploader_id, blob_key, content_type, size, file_name, width, height, thumbnail_key, created_at, attached_at
            FROM media ORDER BY id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ArchivedMedia(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt64(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetInt32(7), reader.IsDBNull(8) ? null : reader.GetInt32(8),
                reader.GetNullableString(9), reader.GetInt64(10), reader.IsDBNull(11) ? null : reader.GetInt64(11));
        }
    }

    public async IAsyncEnumerable<ArchivedMediaReference> ReadReferencesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(
            "SELECT media_id, conversation_id, seq, released FROM media_references ORDER BY media_id, conversation_id, seq");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ArchivedMediaReference(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3) == 1);
        }
    }

    public async IAsyncEnumerable<string> ReadBlobKeysAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(
            "SELECT blob_key FROM media UNION SELECT thumbnail_key FROM media WHERE thumbnail_key IS NOT NULL ORDER BY 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return reader.GetString(0);
        }
    }

    public Task WriteMediaAsync(IReadOnlyList<ArchivedMedia> media, CancellationToken cancellationToken) =>
        WriteAsync(media, """
            INSERT INTO media (id, conversation_id, uploader_id, blob_key, content_type, size, file_name, width, height, thumbnail_key, created_at, attached_at)
            VALUES (@id, @conversation, @uploader, @key, @type, @size, @name, @width, @height, @thumbnail, @createdAt, @attachedAt)
            """, (command, item) => command
                .With("@id", item.Id)
                .With("@conversation", item.ConversationId)
                .With("@uploader", item.UploaderId)
                .With("@key", item.BlobKey)
                .With("@type", item.ContentType)
                .With("@size", item.Size)
                .With("@name", item.FileName)
                .With("@width", item.Width)
                .With("@height", item.Height)
                .With("@thumbnail", item.ThumbnailKey)
                .With("@createdAt", item.CreatedAt)
                .With("@attachedAt", item.AttachedAt), cancellationToken);

    public Task WriteReferencesAsync(IReadOnlyList<ArchivedMediaReference> references, CancellationToken cancellationToken) =>
        WriteAsync(references, """
            INSERT INTO media_references (media_id, conversation_id, seq, released) VALUES (@media, @conversation, @seq, @released)
            """, (command, reference) => command
                .With("@media", reference.MediaId)
                .With("@conversation", reference.ConversationId)
                .With("@seq", reference.Seq)
                .With("@released", reference.Released ? 1 : 0), cancellationToken);

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
