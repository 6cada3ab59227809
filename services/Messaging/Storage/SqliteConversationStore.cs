using Chat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Messaging.Storage;

public sealed class SqliteConversationStore(MessagingDatabase database, TimeProvider time) : IConversationStore
{
    private const string ConversationColumns = "c.id, c.kind, c.title, c.owner_id, c.last_seq, c.created_at";

    public async Task<Conversation> GetOrCreateDirectAsync(long userId, long otherUserId, CancellationToken cancellationToken)
    {
        var directKey = $"{Math.Min(userId, otherUserId)}:{Math.Max(userId, otherUserId)}";
        await using var connection = await database.Database.OpenAsync(cancellationToken);

        await database.WriteLock.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = connection.BeginTransaction();
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            await using var insert = connection.CreateCommand("""
                INSERT INTO conversations (kind, direct_key, created_at, updated_at)
                VALUES ('direct', @key, @now, @now)
                ON CONFLICT (direct_key) DO NOTHING
                RETURNING id
                """, transaction)
                .With("@key", directKey)
                .With("@now", now);
            if (await insert.ExecuteScalarAsync(cancellationToken) is long id)
            {
                await using var members = connection.CreateCommand("""
                    INSERT INTO members (conversation_id, user_id, joined_at) VALUES (@id, @a, @now), (@id, @b, @now)
                    """, transaction)
                    .With("@id", id)
                    .With("@a", userId)
                    .With("@b", otherUserId)
                    .With("@now", now);
                await members.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            database.WriteLock.Release();
        }

        await using var select = connection.CreateCommand($"SELECT {ConversationColumns} FROM conversations c WHERE c.direct_key = @key")
            .With("@key", directKey);
        return (await ReadConversationsAsync(connection, select, cancellationToken))[0];
    }

    public async Task<Conversation?> FindForMemberAsync(long conversationId, long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand($"""
            SELECT {ConversationColumns} FROM conversations c
            JOIN members m ON m.conversation_id = c.id AND m.user_id = @user
            WHERE c.id = @id
            """)
            .With("@id", conversationId)
            .With("@user", userId);
        var found = await ReadConversationsAsync(connection, select, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<Conversation>> ListForMemberAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand($"""
            SELECT {ConversationColumns} FROM conversations c
            JOIN members m ON m.conversation_id = c.id AND m.user_id = @user
            ORDER BY c.updated_at DESC, c.id DESC
            """)
            .With("@user", userId);
        return await ReadConversationsAsync(connection, select, cancellationToken);
    }

    private static async Task<IReadOnlyList<Conversation>> ReadConversationsAsync(
        SqliteConnection connection, SqliteCommand select, CancellationToken cancellationToken)
    {
        var rows = new List<(long Id, string Kind, string? Title, long? Owner, long LastSeq, DateTimeOffset CreatedAt)>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetNullableString(2),
                    reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.GetInt64(4), reader.GetUnixMilliseconds(5)));
            }
        }
        if (rows.Count == 0)
        {
            return [];
        }

        var members = rows.ToDictionary(r => r.Id, _ => new List<ConversationMember>());
        await using var memberSelect = connection.CreateCommand(
            $"SELECT conversation_id, user_id, last_read_seq FROM members WHERE conversation_id IN ({string.Join(',', members.Keys)}) ORDER BY joined_at, user_id");
        await using (var reader = await memberSelect.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                members[reader.GetInt64(0)].Add(new ConversationMember(reader.GetInt64(1), reader.GetInt64(2)));
            }
        }
        return rows.Select(r => new Conversation(r.Id, r.Kind, r.Title, r.Owner, members[r.Id], r.LastSeq, r.CreatedAt)).ToList();
    }
}
