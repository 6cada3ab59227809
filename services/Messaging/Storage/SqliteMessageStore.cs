using Chat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Messaging.Storage;

public sealed class SqliteMessageStore(MessagingDatabase database, TimeProvider time) : IMessageStore
{
    private const string Columns = MessageRows.Columns;

    public async Task<AppendResult> AppendAsync(NewMessage message, CancellationToken cancellationToken)
    {
        using var activity = ChatTelemetry.ActivitySource.StartActivity("messages.append");
        activity?.SetTag("chat.conversation_id", message.ConversationId);

        var result = await database.WriteAsync(async (connection, transaction) =>
        {
            var memberIds = await MessageRows.ReadMemberIdsAsync(connection, transaction, message.ConversationId, cancellationToken);
            if (!memberIds.Contains(message.SenderId))
            {
                return new AppendResult(AppendStatus.NotMember, null, []);
            }

            await using (var existing = connection.CreateCommand($"""
                SELECT {Columns} FROM messages
                WHERE conversation_id = @conversation AND sender_id = @sender AND client_message_id = @client
                """, transaction)
                .With("@conversation", message.ConversationId)
                .With("@sender", message.SenderId)
                .With("@client", message.ClientMessageId))
            await using (var reader = await existing.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    return new AppendResult(AppendStatus.Duplicate, MessageRows.Read(reader), memberIds);
                }
            }

            var stored = await MessageRows.AppendAsync(connection, transaction, message.ConversationId, message.SenderId,
                message.ClientMessageId, MessageKinds.Text, message.Text, message.Media, null, time.GetUtcNow(), cancellationToken);
            return new AppendResult(AppendStatus.Appended, stored, memberIds);
        }, cancellationToken);

        activity?.SetTag("chat.seq", result.Message?.Seq);
        return result;
    }

    public async Task<MessagePage> GetPageAsync(long conversationId, long? beforeSeq, long? afterSeq, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        var ascending = afterSeq is not null;
        var sql = ascending
            ? $"SELECT {Columns} FROM messages WHERE conversation_id = @conversation AND seq > @bound ORDER BY seq LIMIT @take"
            : $"SELECT {Columns} FROM messages WHERE conversation_id = @conversation AND seq < @bound ORDER BY seq DESC LIMIT @take";
        await using var select = connection.CreateCommand(sql)
            .With("@conversation", conversationId)
            .With("@bound", afterSeq ?? beforeSeq ?? long.MaxValue)
            .With("@take", limit + 1);

        var messages = await MessageRows.ReadAllAsync(select, cancellationToken);
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

    public async Task<IReadOnlyList<ChatMessage>> GetUpdatesAsync(long conversationId, long throughSeq, long afterVersion, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand($"""
            SELECT {Columns} FROM messages
            WHERE conversation_id = @conversation AND version > @version AND seq <= @through
              AND (edited_at IS NOT NULL OR deleted_at IS NOT NULL)
            ORDER BY version LIMIT @take
            """)
            .With("@conversation", conversationId)
            .With("@version", afterVersion)
            .With("@through", throughSeq)
            .With("@take", limit);
        return await MessageRows.ReadAllAsync(select, cancellationToken);
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
            $"SELECT {Columns} FROM messages WHERE conversation_id = @conversation ORDER BY seq DESC LIMIT 1");
        var parameter = select.Parameters.Add("@conversation", SqliteType.Integer);
        foreach (var id in conversationIds)
        {
            parameter.Value = id;
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                last[id] = MessageRows.Read(reader);
            }
        }
        return last;
    }

    public Task<MessageChange> EditAsync(long conversationId, long userId, long seq, string text, CancellationToken cancellationToken) =>
        ChangeOwnMessageAsync(conversationId, userId, seq, cancellationToken, (message, now) => message.DeletedAt is not null
            ? null
            : ("UPDATE messages SET text = @text, edited_at = @now, version = @version WHERE conversation_id = @conversation AND seq = @seq",
                message with { Text = text, EditedAt = now }, text));

    public Task<MessageChange> DeleteAsync(long conversationId, long userId, long seq, CancellationToken cancellationToken) =>
        ChangeOwnMessageAsync(conversationId, userId, seq, cancellationToken, (message, now) => message.DeletedAt is not null
            ? null
            : ("UPDATE messages SET text = '', media = NULL, deleted_at = @now, version = @version WHERE conversation_id = @conversation AND seq = @seq",
                message with { Text = string.Empty, Media = [], DeletedAt = now }, null));

    public async Task<PrunedMessages> PruneAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction) =>
        {
            await using var delete = connection.CreateCommand("""
                DELETE FROM messages WHERE rowid IN (SELECT rowid FROM messages WHERE created_at < @cutoff LIMIT @batch)
                RETURNING media
                """, transaction)
                .With("@cutoff", cutoff.ToUnixTimeMilliseconds())
                .With("@batch", batchSize);
            var count = 0;
            var media = new List<long>();
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                count++;
                media.AddRange(MessageRows.ParseMedia(reader.GetNullableString(0)));
            }
            return new PrunedMessages(count, media);
        }, cancellationToken);

    /// <summary>
    /// Loads the message, checks that the caller sent it and may change it, applies the update with the next version.
    /// <paramref name="plan"/> returns null when the message cannot be changed (already deleted).
    /// </summary>
    private Task<MessageChange> ChangeOwnMessageAsync(
        long conversationId, long userId, long seq, CancellationToken cancellationToken,
        Func<ChatMessage, DateTimeOffset, (string Sql, ChatMessage Changed, string? Text)?> plan) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var memberIds = await MessageRows.ReadMemberIdsAsync(connection, transaction, conversationId, cancellationToken);
            if (!memberIds.Contains(userId))
            {
                return MessageChange.Failed(ChangeStatus.NotFound);
            }
            ChatMessage? message;
            await using (var select = connection.CreateCommand(
                $"SELECT {Columns} FROM messages WHERE conversation_id = @conversation AND seq = @seq", transaction)
                .With("@conversation", conversationId)
                .With("@seq", seq))
            {
                message = (await MessageRows.ReadAllAsync(select, cancellationToken)).SingleOrDefault();
            }
            if (message is null)
            {
                return MessageChange.Failed(ChangeStatus.NotFound);
            }
            if (message.SenderId != userId || message.Kind != MessageKinds.Text)
            {
                return MessageChange.Failed(ChangeStatus.NotAllowed);
            }

            var now = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
            if (plan(message, now) is not { } change)
            {
                return MessageChange.Failed(ChangeStatus.Unchanged);
            }

            long version;
            await using (var bump = connection.CreateCommand(
                "UPDATE conversations SET last_version = last_version + 1 WHERE id = @conversation RETURNING last_version", transaction)
                .With("@conversation", conversationId))
            {
                version = (long)(await bump.ExecuteScalarAsync(cancellationToken))!;
            }
            await using var update = connection.CreateCommand(change.Sql, transaction)
                .With("@conversation", conversationId)
                .With("@seq", seq)
                .With("@now", now.ToUnixTimeMilliseconds())
                .With("@version", version);
            if (change.Text is not null)
            {
                update.With("@text", change.Text);
            }
            await update.ExecuteNonQueryAsync(cancellationToken);
            return new MessageChange(ChangeStatus.Done, change.Changed with { Version = version }, memberIds);
        }, cancellationToken);
}
