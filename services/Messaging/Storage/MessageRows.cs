using System.Globalization;
using System.Text.Json;
using Chat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Messaging.Storage;

/// <summary>Reading message rows; shared by the SQLite stores (appends are <see cref="SqliteAppender"/>'s).</summary>
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
