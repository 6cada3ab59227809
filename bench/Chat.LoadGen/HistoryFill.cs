using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Chat.LoadGen;

/// <summary>
/// Fills a conversation's history straight into Messaging's SQLite file: sending a million messages through the hub
/// takes a quarter of an hour, and what the history scenario measures is reading them. Every transaction appends
/// after the conversation's current last seq and moves <c>last_seq</c>/<c>last_version</c> with it, so the file is
/// consistent after each commit and an append by Messaging in between only moves the next chunk along.
/// </summary>
public static class HistoryFill
{
    private const int RowsPerTransaction = 200_000;

    public static async Task<(long FirstSeq, long LastSeq, double Seconds)> InsertAsync(
        string path, long conversationId, long senderId, int count, string text, string tag, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No Messaging database at {path} (pass --messaging-db).", path);
        }
        var clock = Stopwatch.StartNew();
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 60 };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync(cancellationToken);
        // Only this connection: the file stays in WAL mode, and a crash mid-fill loses nothing anyone relies on.
        await ExecuteAsync(connection, "PRAGMA synchronous = OFF; PRAGMA busy_timeout = 60000; PRAGMA cache_size = -65536");

        var createdBase = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - count;
        long firstSeq = 0, lastSeq = 0;
        for (var done = 0; done < count;)
        {
            var rows = Math.Min(RowsPerTransaction, count - done);
            await using var transaction = connection.BeginTransaction(deferred: false);
            long seq, version;
            await using (var read = Command(connection, transaction, "SELECT last_seq, last_version FROM conversations WHERE id = @id", ("@id", conversationId)))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    throw new InvalidOperationException($"Conversation {conversationId} is not in {path}.");
                }
                seq = reader.GetInt64(0);
                version = reader.GetInt64(1);
            }
            if (done == 0)
            {
                firstSeq = seq + 1;
            }

            await using var insert = Command(connection, transaction, """
                INSERT INTO messages (conversation_id, seq, sender_id, client_message_id, kind, text, media, system, created_at, edited_at, deleted_at, version)
                VALUES (@conversation, @seq, @sender, @client, 'text', @text, NULL, NULL, @created, NULL, NULL, @version)
                """, ("@conversation", conversationId), ("@sender", senderId), ("@text", text));
            var seqParameter = insert.Parameters.Add("@seq", SqliteType.Integer);
            var clientParameter = insert.Parameters.Add("@client", SqliteType.Text);
            var createdParameter = insert.Parameters.Add("@created", SqliteType.Integer);
            var versionParameter = insert.Parameters.Add("@version", SqliteType.Integer);
            insert.Prepare();
            for (var i = 0; i < rows; i++)
            {
                seq++;
                version++;
                seqParameter.Value = seq;
                clientParameter.Value = $"{tag}-{seq}";
                createdParameter.Value = createdBase + done + i;
                versionParameter.Value = version;
                insert.ExecuteNonQuery();
            }
            await using (var update = Command(connection, transaction,
                "UPDATE conversations SET last_seq = @seq, last_version = @version, updated_at = @now WHERE id = @id",
                ("@seq", seq), ("@version", version), ("@now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), ("@id", conversationId)))
            {
                await update.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            lastSeq = seq;
            done += rows;
            LoadRun.Log($"  {done} of {count} rows in {clock.Elapsed.TotalSeconds:0.0} s");
        }
        // Readers would otherwise search a WAL of the whole fill on every page; fold it into the file (best effort:
        // Messaging's open readers may keep part of it).
        await ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        return (firstSeq, lastSeq, clock.Elapsed.TotalSeconds);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = Command(connection, null, sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
        }
    }
}
