using System.Globalization;
using Chat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Messaging.Storage;

public sealed class SqliteMessageStore(MessagingDatabase database, TimeProvider time) : IMessageStore
{
    private const string MessageColumns = "conversation_id, seq, sender_id, client_message_id, text, media, created_at";

    public async Task<AppendResult> AppendAsync(NewMessage message, CancellationToken cancellationToken)
    {
        using var activity = ChatTelemetry.ActivitySource.StartActivity("messages.append");
        activity?.SetTag("chat.conversation_id", message.ConversationId);

        await using var connection = await database.Database.OpenAsync(cancellationToken);
        await database.WriteLock.WaitAsync(cancellationToken);
        try
        {
            // IMMEDIATE: takes the write lock up front, so the seq read-increment cannot interleave across replicas.
            await using var transaction = connection.BeginTransaction();

            var memberIds = await ReadMemberIdsAsync(connection, transaction, message.ConversationId, cancellationToken);
            if (!memberIds.Contains(message.SenderId))
            {
                return new AppendResult(AppendStatus.NotMember, null, []);
            }

            await using (var existing = connection.CreateCommand($"""
                SELECT {MessageColumns} FROM messages
                WHERE conversation_id = @conversation AND sender_id = @sender AND client_message_id = @client
                """, transaction)
                .With("@conversation", message.ConversationId)
                .With("@sender", message.SenderId)
                .With("@client", message.ClientMessageId))
            await using (var reader = await existing.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    return new AppendResult(AppendStatus.Duplicate, ReadMessage(reader), memberIds);
                }
            }

            var now = time.GetUtcNow();
            var nowMs = now.ToUnixTimeMilliseconds();
            await using var next = connection.CreateCommand(
                "UPDATE conversations SET last_seq = last_seq + 1, updated_at = @now WHERE id = @conversation RETURNING last_seq", transaction)
                .With("@conversation", message.ConversationId)
                .With("@now", nowMs);
            var seq = (long)(await next.ExecuteScalarAsync(cancellationToken))!;

            await using var insert = connection.CreateCommand($"""
                INSERT INTO messages ({MessageColumns})
                VALUES (@conversation, @seq, @sender, @client, @text, @media, @now)
                """, transaction)
                .With("@conversation", message.ConversationId)
                .With("@seq", seq)
                .With("@sender", message.SenderId)
                .With("@client", message.ClientMessageId)
                .With("@text", message.Text)
                .With("@media", FormatMedia(message.Media))
                .With("@now", nowMs);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);

            activity?.SetTag("chat.seq", seq);
            var stored = new ChatMessage(message.ConversationId, seq, message.SenderId, message.ClientMessageId, message.Text,
                message.Media, DateTimeOffset.FromUnixTimeMilliseconds(nowMs));
            return new AppendResult(AppendStatus.Appended, stored, memberIds);
        }
        finally
        {
            database.WriteLock.Release();
        }
    }

    public async Task<MessagePage> GetPageAsync(long conversationId, long? beforeSeq, long? afterSeq, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        var ascending = afterSeq is not null;
        var sql = ascending
            ? $"SELECT {MessageColumns} FROM messages WHERE conversation_id = @conversation AND seq > @bound ORDER BY seq LIMIT @take"
            : $"SELECT {MessageColumns} FROM messages WHERE conversation_id = @conversation AND seq < @bound ORDER BY seq DESC LIMIT @take";
        await using var select = connection.CreateCommand(sql)
            .With("@conversation", conversationId)
            .With("@bound", afterSeq ?? beforeSeq ?? long.MaxValue)
            .With("@take", limit + 1);

        var messages = new List<ChatMessage>(Math.Min(limit + 1, 256));
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                messages.Add(ReadMessage(reader));
            }
        }
        var hasMore = messages.Count > limit;
        if (hasMore)
        {
            messages.RemoveAt(messages.Count - 1);
        }
        if (!ascending)
        {
            messages.Reverse();
        }
        return new MessagePage(messages, hasMore);
    }

    public async Task<IReadOnlyDictionary<long, ChatMessage>> GetLastMessagesAsync(IReadOnlyCollection<long> conversationIds, CancellationToken cancellationToken)
    {
        var last = new Dictionary<long, ChatMessage>(conversationIds.Count);
        if (conversationIds.Count == 0)
        {
            return last;
        }
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand(
            $"SELECT {MessageColumns} FROM messages WHERE conversation_id = @conversation ORDER BY seq DESC LIMIT 1");
        var parameter = select.Parameters.Add("@conversation", SqliteType.Integer);
        foreach (var id in conversationIds)
        {
            parameter.Value = id;
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                last[id] = ReadMessage(reader);
            }
        }
        return last;
    }

    private static async Task<List<long>> ReadMemberIdsAsync(
        SqliteConnection connection, SqliteTransaction transaction, long conversationId, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand("SELECT user_id FROM members WHERE conversation_id = @conversation", transaction)
            .With("@conversation", conversationId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var ids = new List<long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }

    private static ChatMessage ReadMessage(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetInt64(1),
        reader.GetInt64(2),
        reader.GetString(3),
        reader.GetString(4),
        ParseMedia(reader.GetNullableString(5)),
        reader.GetUnixMilliseconds(6));

    private static string? FormatMedia(IReadOnlyList<long> media) =>
        media.Count == 0 ? null : string.Join(',', media);

    private static IReadOnlyList<long> ParseMedia(string? media) =>
        media is null ? [] : Array.ConvertAll(media.Split(','), id => long.Parse(id, CultureInfo.InvariantCulture));
}
