using Chat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Messaging.Storage;

/// <summary>The <c>media_outbox</c> table of messaging.db.</summary>
public sealed class SqliteMediaOutbox(MessagingDatabase database) : IMediaOutbox
{
    /// <summary>Adds changes in the caller's write transaction, so they commit (or roll back) with the message change.</summary>
    internal static async Task AddAsync(
        SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<MediaReferenceChange> changes, CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand(
            "INSERT INTO media_outbox (media_id, conversation_id, seq, attached) VALUES (@media, @conversation, @seq, @attached)", transaction);
        foreach (var change in changes)
        {
            insert.Parameters.Clear();
            await insert
                .With("@media", change.MediaId)
                .With("@conversation", change.ConversationId)
                .With("@seq", change.Seq)
                .With("@attached", change.Attached)
                .ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task<IReadOnlyList<MediaReferenceChange>> PeekAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand(
            "SELECT media_id, conversation_id, seq, attached FROM media_outbox ORDER BY id LIMIT @limit").With("@limit", limit);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var changes = new List<MediaReferenceChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new MediaReferenceChange(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetBoolean(3)));
        }
        return changes;
    }

    public Task RemoveAsync(IReadOnlyCollection<MediaReferenceChange> delivered, CancellationToken cancellationToken) =>
        delivered.Count == 0
            ? Task.CompletedTask
            : database.WriteAsync(async (connection, transaction) =>
            {
                await using var delete = connection.CreateCommand("""
                    DELETE FROM media_outbox
                    WHERE conversation_id = @conversation AND seq = @seq AND media_id = @media AND attached = @attached
                    """, transaction);
                foreach (var change in delivered)
                {
                    delete.Parameters.Clear();
                    await delete
                        .With("@conversation", change.ConversationId)
                        .With("@seq", change.Seq)
                        .With("@media", change.MediaId)
                        .With("@attached", change.Attached)
                        .ExecuteNonQueryAsync(cancellationToken);
                }
                return 0;
            }, cancellationToken);
}
