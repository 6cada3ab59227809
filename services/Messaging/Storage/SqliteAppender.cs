using System.Text.Json;
using Chat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Messaging.Storage;

/// <summary>
/// The one place SQLite allocates a seq: every append (a user's message, a system message) takes the conversation's
/// next seq and version, stores the message, moves the sender's read marker to it and announces its attachments to the
/// outbox, all in the caller's write transaction. The statements are prepared once per connection; the message
/// writer keeps one appender for its connection's life, a group change makes one for its transaction.
/// </summary>
internal sealed class SqliteAppender : IAsyncDisposable
{
    private readonly SqliteCommand _next;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _senderRead;
    private readonly SqliteCommand _outbox;

    public SqliteAppender(SqliteConnection connection)
    {
        _next = connection.CreateCommand("""
            UPDATE conversations SET last_seq = last_seq + 1, last_version = last_version + 1, updated_at = @now
            WHERE id = @conversation
            RETURNING last_seq, last_version
            """);
        _next.Parameters.Add("@conversation", SqliteType.Integer);
        _next.Parameters.Add("@now", SqliteType.Integer);
        _insert = connection.CreateCommand($"""
            INSERT INTO messages ({MessageRows.Columns})
            VALUES (@conversation, @seq, @sender, @client, @kind, @text, @media, @system, @now, NULL, NULL, @version)
            """);
        foreach (var (name, type) in new[] { ("@conversation", SqliteType.Integer), ("@seq", SqliteType.Integer), ("@sender", SqliteType.Integer),
            ("@client", SqliteType.Text), ("@kind", SqliteType.Text), ("@text", SqliteType.Text), ("@media", SqliteType.Text),
            ("@system", SqliteType.Text), ("@now", SqliteType.Integer), ("@version", SqliteType.Integer) })
        {
            _insert.Parameters.Add(name, type);
        }
        // What you sent you have read: your own messages never count as unread, on any of your devices.
        _senderRead = connection.CreateCommand(
            "UPDATE members SET last_read_seq = @seq WHERE conversation_id = @conversation AND user_id = @sender AND last_read_seq < @seq");
        _senderRead.Parameters.Add("@seq", SqliteType.Integer);
        _senderRead.Parameters.Add("@conversation", SqliteType.Integer);
        _senderRead.Parameters.Add("@sender", SqliteType.Integer);
        _outbox = connection.CreateCommand(
            "INSERT INTO media_outbox (media_id, conversation_id, seq, attached) VALUES (@media, @conversation, @seq, 1)");
        _outbox.Parameters.Add("@media", SqliteType.Integer);
        _outbox.Parameters.Add("@conversation", SqliteType.Integer);
        _outbox.Parameters.Add("@seq", SqliteType.Integer);
    }

    /// <summary>Runs the prepared statements in this write transaction.</summary>
    public SqliteAppender Enlist(SqliteTransaction transaction)
    {
        _next.Transaction = transaction;
        _insert.Transaction = transaction;
        _senderRead.Transaction = transaction;
        _outbox.Transaction = transaction;
        return this;
    }

    public Task<ChatMessage> AppendAsync(NewMessage message, DateTimeOffset now, CancellationToken cancellationToken) =>
        AppendAsync(message.ConversationId, message.SenderId, message.ClientMessageId, MessageKinds.Text, message.Text, message.Media, null, now,
            cancellationToken);

    /// <summary>A system message recording a membership or title change.</summary>
    public Task<ChatMessage> AppendSystemAsync(long conversationId, SystemEvent system, DateTimeOffset now, CancellationToken cancellationToken) =>
        AppendAsync(conversationId, system.ActorId, $"system-{Guid.NewGuid():N}", MessageKinds.System, string.Empty, [], system, now,
            cancellationToken);

    private async Task<ChatMessage> AppendAsync(
        long conversationId, long senderId, string clientMessageId, string kind, string text, IReadOnlyList<long> media, SystemEvent? system,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        _next.Parameters[0].Value = conversationId;
        _next.Parameters[1].Value = nowMs;
        long seq, version;
        await using (var reader = await _next.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            seq = reader.GetInt64(0);
            version = reader.GetInt64(1);
        }
        var stored = AppendRules.Stored(conversationId, seq, version, senderId, clientMessageId, kind, text, media, system, now);

        object?[] values = [conversationId, seq, senderId, clientMessageId, kind, text, MessageRows.FormatMedia(media),
            system is null ? null : JsonSerializer.Serialize(system, StorageJsonContext.Default.SystemEvent), nowMs, version];
        for (var i = 0; i < values.Length; i++)
        {
            _insert.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
        await _insert.ExecuteNonQueryAsync(cancellationToken);

        _senderRead.Parameters[0].Value = seq;
        _senderRead.Parameters[1].Value = conversationId;
        _senderRead.Parameters[2].Value = senderId;
        await _senderRead.ExecuteNonQueryAsync(cancellationToken);

        foreach (var attached in AppendRules.Attachments(stored))
        {
            _outbox.Parameters[0].Value = attached.MediaId;
            _outbox.Parameters[1].Value = attached.ConversationId;
            _outbox.Parameters[2].Value = attached.Seq;
            await _outbox.ExecuteNonQueryAsync(cancellationToken);
        }
        return stored;
    }

    public async ValueTask DisposeAsync()
    {
        await _next.DisposeAsync();
        await _insert.DisposeAsync();
        await _senderRead.DisposeAsync();
        await _outbox.DisposeAsync();
    }
}
