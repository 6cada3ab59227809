using System.Runtime.CompilerServices;
using System.Text.Json;
using Chat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Messaging.Storage;

/// <summary>Messaging's archive on messaging.db, through <see cref="MessagingDatabase"/> (its schema, its write lock).</summary>
public sealed class SqliteMessagingArchive(MessagingDatabase database) : IMessagingArchive
{
    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("""
            SELECT NOT EXISTS (SELECT 1 FROM conversations) AND NOT EXISTS (SELECT 1 FROM messages)
               AND NOT EXISTS (SELECT 1 FROM blocks) AND NOT EXISTS (SELECT 1 FROM media_outbox)
            """);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    public async IAsyncEnumerable<ArchivedConversation> ReadConversationsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        // One pass over conversations joined to their members: a conversation is complete when the next id starts.
        await using var command = connection.CreateCommand("""
            SELECT c.id, c.kind, c.title, c.owner_id, c.direct_key, c.last_seq, c.last_version, c.created_at, c.updated_at,
                   m.user_id, m.last_read_seq, m.joined_at
            FROM conversations c LEFT JOIN members m ON m.conversation_id = c.id
            ORDER BY c.id, m.joined_at, m.user_id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        ArchivedConversation? current = null;
        List<ArchivedMember> members = [];
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt64(0);
            if (current?.Id != id)
            {
                if (current is not null)
                {
                    yield return current;
                }
                members = [];
                current = new ArchivedConversation(id, reader.GetString(1), reader.GetNullableString(2), reader.IsDBNull(3) ? null : reader.GetInt64(3),
                    reader.GetNullableString(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), members);
            }
            if (!reader.IsDBNull(9))
            {
                members.Add(new ArchivedMember(reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11)));
            }
        }
        if (current is not null)
        {
            yield return current;
        }
    }

    public async IAsyncEnumerable<ArchivedMessage> ReadMessagesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand($"SELECT {MessageRows.Columns} FROM messages ORDER BY conversation_id, seq");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var message = MessageRows.Read(reader);
            yield return new ArchivedMessage(message.ConversationId, message.Seq, message.SenderId, message.ClientMessageId, message.Kind,
                message.Text, message.Media, message.System, reader.GetInt64(8), reader.IsDBNull(9) ? null : reader.GetInt64(9),
                reader.IsDBNull(10) ? null : reader.GetInt64(10), message.Version);
        }
    }

    public async IAsyncEnumerable<ArchivedBlockCopy> ReadBlocksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT blocker_id, blocked_id FROM blocks ORDER BY blocker_id, blocked_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ArchivedBlockCopy(reader.GetInt64(0), reader.GetInt64(1));
        }
    }

    public async IAsyncEnumerable<MediaReferenceChange> ReadMediaOutboxAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT media_id, conversation_id, seq, attached FROM media_outbox ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new MediaReferenceChange(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3) == 1);
        }
    }

    public Task WriteConversationsAsync(IReadOnlyList<ArchivedConversation> conversations, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            foreach (var conversation in conversations)
            {
                await using var insert = connection.CreateCommand("""
                    INSERT INTO conversations (id, kind, title, owner_id, direct_key, last_seq, last_version, created_at, updated_at)
                    VALUES (@id, @kind, @title, @owner, @directKey, @lastSeq, @lastVersion, @createdAt, @updatedAt)
                    """, transaction)
                    .With("@id", conversation.Id)
                    .With("@kind", conversation.Kind)
                    .With("@title", conversation.Title)
                    .With("@owner", conversation.OwnerId)
                    .With("@directKey", conversation.DirectKey)
                    .With("@lastSeq", conversation.LastSeq)
                    .With("@lastVersion", conversation.LastVersion)
                    .With("@createdAt", conversation.CreatedAt)
                    .With("@updatedAt", conversation.UpdatedAt);
                await insert.ExecuteNonQueryAsync(cancellationToken);
                foreach (var member in conversation.Members)
                {
                    await using var join = connection.CreateCommand("""
                        INSERT INTO members (conversation_id, user_id, last_read_seq, joined_at) VALUES (@conversation, @user, @lastRead, @joinedAt)
                        """, transaction)
                        .With("@conversation", conversation.Id)
                        .With("@user", member.UserId)
                        .With("@lastRead", member.LastReadSeq)
                        .With("@joinedAt", member.JoinedAt);
                    await join.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            return conversations.Count;
        }, cancellationToken);

    public Task WriteMessagesAsync(IReadOnlyList<ArchivedMessage> messages, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var insert = connection.CreateCommand($"""
                INSERT INTO messages ({MessageRows.Columns})
                VALUES (@conversation, @seq, @sender, @client, @kind, @text, @media, @system, @createdAt, @editedAt, @deletedAt, @version)
                """, transaction);
            foreach (var message in messages)
            {
                insert.Parameters.Clear();
                insert.With("@conversation", message.ConversationId)
                    .With("@seq", message.Seq)
                    .With("@sender", message.SenderId)
                    .With("@client", message.ClientMessageId)
                    .With("@kind", message.Kind)
                    .With("@text", message.Text)
                    .With("@media", MessageRows.FormatMedia(message.Media))
                    .With("@system", message.System is null ? null : JsonSerializer.Serialize(message.System, StorageJsonContext.Default.SystemEvent))
                    .With("@createdAt", message.CreatedAt)
                    .With("@editedAt", message.EditedAt)
                    .With("@deletedAt", message.DeletedAt)
                    .With("@version", message.Version);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            return messages.Count;
        }, cancellationToken);

    public Task WriteBlocksAsync(IReadOnlyList<ArchivedBlockCopy> blocks, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            foreach (var block in blocks)
            {
                await using var insert = connection.CreateCommand("INSERT INTO blocks (blocker_id, blocked_id) VALUES (@blocker, @blocked)", transaction)
                    .With("@blocker", block.BlockerId)
                    .With("@blocked", block.BlockedId);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            return blocks.Count;
        }, cancellationToken);

    public Task WriteMediaOutboxAsync(IReadOnlyList<MediaReferenceChange> changes, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            foreach (var change in changes)
            {
                await using var insert = connection.CreateCommand(
                    "INSERT INTO media_outbox (media_id, conversation_id, seq, attached) VALUES (@media, @conversation, @seq, @attached)", transaction)
                    .With("@media", change.MediaId)
                    .With("@conversation", change.ConversationId)
                    .With("@seq", change.Seq)
                    .With("@attached", change.Attached ? 1 : 0);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            return changes.Count;
        }, cancellationToken);

    // A conversation's counters never fall behind its messages, whatever the export said; AUTOINCREMENT covers the ids.
    public Task CompleteImportAsync(CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var raise = connection.CreateCommand("""
                UPDATE conversations SET
                    last_seq = MAX(last_seq, COALESCE((SELECT MAX(seq) FROM messages m WHERE m.conversation_id = conversations.id), 0)),
                    last_version = MAX(last_version, COALESCE((SELECT MAX(version) FROM messages m WHERE m.conversation_id = conversations.id), 0))
                """, transaction);
            return await raise.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
}
