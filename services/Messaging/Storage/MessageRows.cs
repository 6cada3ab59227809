using System.Globalization;
using System.Text.Json;
using Chat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Messaging.Storage;

/// <summary>Reading and appending message rows; shared by the stores so system messages take the same path as any other.</summary>
internal static class MessageRows
{
    public const string Columns =
        "conversation_id, seq, sender_id, client_message_id, kind, text, media, system, created_at, edited_at, deleted_at, version";

    public static ChatMessage Read(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetInt64(1),
        reader.GetInt64(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        ParseMedia(reader.GetNullableString(6)),
        reader.GetNullableString(7) is { } system ? JsonSerializer.Deserialize(system, StorageJsonContext.Default.SystemEvent) : null,
        reader.GetUnixMilliseconds(8),
        reader.IsDBNull(9) ? null : reader.GetUnixMilliseconds(9),
        reader.IsDBNull(10) ? null : reader.GetUnixMilliseconds(10),
        reader.GetInt64(11));

    public static async Task<List<ChatMessage>> ReadAllAsync(SqliteCommand select, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(Read(reader));
        }
        return messages;
    }

    /// <summary>Reads rows in order while they fit the budget; the first that does not ends the read, and later rows are never loaded.</summary>
    public static async Task<List<ChatMessage>> ReadWithinAsync(SqliteCommand select, ReadBudget budget, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var message = Read(reader);
            if (!budget.TryTake(message))
            {
                break;
            }
            messages.Add(message);
        }
        return messages;
    }

    /// <summary>Appends with the conversation's next seq and version; the caller holds the write transaction.</summary>
    public static async Task<ChatMessage> AppendAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        long conversationId,
        long senderId,
        string clientMessageId,
        string kind,
        string text,
        IReadOnlyList<long> media,
        SystemEvent? system,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        long seq, version;
        await using (var next = connection.CreateCommand("""
            UPDATE conversations SET last_seq = last_seq + 1, last_version = last_version + 1, updated_at = @now
            WHERE id = @conversation
            RETURNING last_seq, last_version
            """, transaction)
            .With("@conversation", conversationId)
            .With("@now", nowMs))
        await using (var reader = await next.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            seq = reader.GetInt64(0);
            version = reader.GetInt64(1);
        }

        await using var insert = connection.CreateCommand($"""
            INSERT INTO messages ({Columns})
            VALUES (@conversation, @seq, @sender, @client, @kind, @text, @media, @system, @now, NULL, NULL, @version)
            """, transaction)
            .With("@conversation", conversationId)
            .With("@seq", seq)
            .With("@sender", senderId)
            .With("@client", clientMessageId)
            .With("@kind", kind)
            .With("@text", text)
            .With("@media", FormatMedia(media))
            .With("@system", system is null ? null : JsonSerializer.Serialize(system, StorageJsonContext.Default.SystemEvent))
            .With("@now", nowMs)
            .With("@version", version);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        await using var read = connection.CreateCommand(
            "UPDATE members SET last_read_seq = @seq WHERE conversation_id = @conversation AND user_id = @sender AND last_read_seq < @seq", transaction)
            .With("@seq", seq)
            .With("@conversation", conversationId)
            .With("@sender", senderId);
        await read.ExecuteNonQueryAsync(cancellationToken);
        return new ChatMessage(conversationId, seq, senderId, clientMessageId, kind, text, media, system,
            DateTimeOffset.FromUnixTimeMilliseconds(nowMs), null, null, version);
    }

    /// <summary>A system message recording a membership or title change, appended in the caller's transaction.</summary>
    public static Task<ChatMessage> AppendSystemAsync(
        SqliteConnection connection, SqliteTransaction transaction, long conversationId, SystemEvent system, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        AppendAsync(connection, transaction, conversationId, system.ActorId, $"system-{Guid.NewGuid():N}", MessageKinds.System,
            string.Empty, [], system, now, cancellationToken);

    public static async Task<List<long>> ReadMemberIdsAsync(
        SqliteConnection connection, SqliteTransaction? transaction, long conversationId, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand(
                "SELECT user_id FROM members WHERE conversation_id = @conversation ORDER BY joined_at, user_id", transaction)
            .With("@conversation", conversationId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var ids = new List<long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }

    public static string? FormatMedia(IReadOnlyList<long> media) =>
        media.Count == 0 ? null : string.Join(',', media);

    public static IReadOnlyList<long> ParseMedia(string? media) =>
        media is null ? [] : Array.ConvertAll(media.Split(','), id => long.Parse(id, CultureInfo.InvariantCulture));
}
