using System.Threading.Channels;
using Chat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Messaging.Storage;

/// <summary>
/// Messages in SQLite. Appends are group-committed: one writer takes every append waiting at that moment into one
/// IMMEDIATE transaction (up to <see cref="MaxBatch"/>), so under load a commit's cost is shared by many messages,
/// and alone a message still commits at once. Each append keeps its own outcome, seq and idempotency. The writer keeps
/// one connection open with its statements prepared once (no SQL is parsed per batch, and its page cache stays warm);
/// after a failure it opens a fresh one.
/// </summary>
public sealed class SqliteMessageStore : IMessageStore, IDisposable
{
    private const string Columns = MessageRows.Columns;
    private const int MaxBatch = 256;

    private readonly MessagingDatabase database;
    private readonly TimeProvider time;
    private const int MaxQueued = 4096;

    // Bounded, so a stalled disk makes senders wait instead of piling messages up in memory.
    private readonly Channel<PendingAppend> _appends = Channel.CreateBounded<PendingAppend>(
        new BoundedChannelOptions(MaxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Task _writer;
    // Owned by the writer loop alone.
    private SqliteConnection? _connection;
    private AppendCommands? _commands;

    public SqliteMessageStore(MessagingDatabase database, TimeProvider time)
    {
        this.database = database;
        this.time = time;
        _writer = Task.Run(WriteAppendsAsync);
    }

    public async Task<AppendResult> AppendAsync(NewMessage message, CancellationToken cancellationToken)
    {
        using var activity = ChatTelemetry.ActivitySource.StartActivity("messages.append");
        activity?.SetTag("chat.conversation_id", message.ConversationId);

        var pending = new PendingAppend(message);
        await _appends.Writer.WriteAsync(pending, cancellationToken);
        // A caller that gives up still gets its message stored (or not) as one unit; a retry finds it by its client id.
        var result = await pending.Completion.Task.WaitAsync(cancellationToken);

        activity?.SetTag("chat.seq", result.Message?.Seq);
        return result;
    }

    public void Dispose()
    {
        _appends.Writer.TryComplete();
        // The writer loop ends once the queue drains; then its connection can go.
        _writer.ContinueWith(_ => CloseWriterAsync(), TaskScheduler.Default);
    }

    private async Task WriteAppendsAsync()
    {
        var batch = new List<PendingAppend>(MaxBatch);
        while (await _appends.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _appends.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
            try
            {
                await CommitAsync(batch);
            }
            catch (Exception) when (batch.Count > 1)
            {
                // One failing message must not fail its neighbours: commit them one by one.
                foreach (var pending in batch)
                {
                    try
                    {
                        await CommitAsync([pending]);
                    }
                    catch (Exception e)
                    {
                        pending.Completion.TrySetException(e);
                    }
                }
            }
            catch (Exception e)
            {
                batch[0].Completion.TrySetException(e);
            }
            batch.Clear();
        }
    }

    private async Task CommitAsync(IReadOnlyList<PendingAppend> batch)
    {
        if (_connection is null || _commands is null)
        {
            _connection = await database.Database.OpenAsync(CancellationToken.None);
            await using (var cache = _connection.CreateCommand("PRAGMA cache_size = -16384"))
            {
                // 16 MiB of pages: the conversations, members and recent message pages every append touches stay in memory.
                await cache.ExecuteNonQueryAsync();
            }
            _commands = new AppendCommands(_connection);
        }
        AppendResult[] results;
        try
        {
            results = await database.WriteAsync(_connection, async (_, transaction) =>
            {
                _commands.Enlist(transaction);
                var members = new Dictionary<long, List<long>>();
                var now = time.GetUtcNow();
                var outcomes = new AppendResult[batch.Count];
                for (var i = 0; i < batch.Count; i++)
                {
                    outcomes[i] = await AppendOneAsync(_commands, members, batch[i].Message, now);
                }
                return outcomes;
            }, CancellationToken.None);
        }
        catch
        {
            await CloseWriterAsync();
            throw;
        }
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(results[i]);
        }
    }

    private async Task CloseWriterAsync()
    {
        if (_commands is not null)
        {
            await _commands.DisposeAsync();
            _commands = null;
        }
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }

    private static async Task<AppendResult> AppendOneAsync(
        AppendCommands commands, Dictionary<long, List<long>> members, NewMessage message, DateTimeOffset now)
    {
        if (!members.TryGetValue(message.ConversationId, out var memberIds))
        {
            memberIds = await commands.ReadMemberIdsAsync(message.ConversationId);
            members[message.ConversationId] = memberIds;
        }
        return await AppendRules.RefuseAsync(message, memberIds, () => commands.FindExistingAsync(message), () => commands.IsBlockedDirectAsync(message))
            ?? new AppendResult(AppendStatus.Appended, await commands.Appender.AppendAsync(message, now, CancellationToken.None), memberIds);
    }

    private sealed class PendingAppend(NewMessage message)
    {
        public NewMessage Message { get; } = message;

        public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The statements of an append's checks, prepared once per connection and rebound for each message; the append itself is the appender's.</summary>
    private sealed class AppendCommands : IAsyncDisposable
    {
        private readonly SqliteCommand _members;
        private readonly SqliteCommand _existing;
        private readonly SqliteCommand _blocked;

        public AppendCommands(SqliteConnection connection)
        {
            _members = connection.CreateCommand("SELECT user_id FROM members WHERE conversation_id = @conversation ORDER BY joined_at, user_id");
            _members.Parameters.Add("@conversation", SqliteType.Integer);
            _existing = connection.CreateCommand($"""
                SELECT {Columns} FROM messages
                WHERE conversation_id = @conversation AND sender_id = @sender AND client_message_id = @client
                """);
            _existing.Parameters.Add("@conversation", SqliteType.Integer);
            _existing.Parameters.Add("@sender", SqliteType.Integer);
            _existing.Parameters.Add("@client", SqliteType.Text);
            // Checked in the append's own transaction: a block committed before it is never overtaken by a send.
            _blocked = connection.CreateCommand("""
                SELECT EXISTS (
                    SELECT 1 FROM conversations c
                    JOIN members other ON other.conversation_id = c.id AND other.user_id <> @sender
                    WHERE c.id = @conversation AND c.kind = 'direct'
                      AND (EXISTS (SELECT 1 FROM blocks WHERE blocker_id = @sender AND blocked_id = other.user_id)
                        OR EXISTS (SELECT 1 FROM blocks WHERE blocker_id = other.user_id AND blocked_id = @sender)))
                """);
            _blocked.Parameters.Add("@conversation", SqliteType.Integer);
            _blocked.Parameters.Add("@sender", SqliteType.Integer);
            Appender = new SqliteAppender(connection);
        }

        public SqliteAppender Appender { get; }

        /// <summary>Runs the prepared statements in this batch's transaction.</summary>
        public void Enlist(SqliteTransaction transaction)
        {
            _members.Transaction = transaction;
            _existing.Transaction = transaction;
            _blocked.Transaction = transaction;
            Appender.Enlist(transaction);
        }

        /// <summary>Whether this is a direct conversation whose two members are blocked, either way.</summary>
        public async Task<bool> IsBlockedDirectAsync(NewMessage message)
        {
            _blocked.Parameters[0].Value = message.ConversationId;
            _blocked.Parameters[1].Value = message.SenderId;
            return (long)(await _blocked.ExecuteScalarAsync())! == 1;
        }

        public async Task<List<long>> ReadMemberIdsAsync(long conversationId)
        {
            _members.Parameters[0].Value = conversationId;
            var ids = new List<long>();
            await using var reader = await _members.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetInt64(0));
            }
            return ids;
        }

        public async Task<ChatMessage?> FindExistingAsync(NewMessage message)
        {
            _existing.Parameters[0].Value = message.ConversationId;
            _existing.Parameters[1].Value = message.SenderId;
            _existing.Parameters[2].Value = message.ClientMessageId;
            await using var reader = await _existing.ExecuteReaderAsync();
            return await reader.ReadAsync() ? MessageRows.Read(reader) : null;
        }

        public async ValueTask DisposeAsync()
        {
            await _members.DisposeAsync();
            await _existing.DisposeAsync();
            await _blocked.DisposeAsync();
            await Appender.DisposeAsync();
        }
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
        return MessagePage.FromRead(await MessageRows.ReadAllAsync(select, cancellationToken), limit, ascending);
    }

    public async Task<IReadOnlyList<ChatMessage>> GetMessagesAfterAsync(long conversationId, long afterSeq, ReadBudget budget, CancellationToken cancellationToken)
    {
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand(
            $"SELECT {Columns} FROM messages WHERE conversation_id = @conversation AND seq > @after ORDER BY seq LIMIT @take")
            .With("@conversation", conversationId)
            .With("@after", afterSeq)
            .With("@take", budget.RowLimit);
        return await MessageRows.ReadWithinAsync(select, budget, cancellationToken);
    }

    public async Task<IReadOnlyList<ChatMessage>> GetUpdatesAsync(long conversationId, long throughSeq, long afterVersion, ReadBudget budget, CancellationToken cancellationToken)
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
            .With("@take", budget.RowLimit);
        return await MessageRows.ReadWithinAsync(select, budget, cancellationToken);
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
        ChangeOwnMessageAsync(conversationId, userId, seq, cancellationToken,
            (message, isMember) => MessageChangeRules.Edit(message, isMember, userId, text, time.GetUtcNow()));

    public Task<MessageChange> DeleteAsync(long conversationId, long userId, long seq, CancellationToken cancellationToken) =>
        ChangeOwnMessageAsync(conversationId, userId, seq, cancellationToken,
            (message, isMember) => MessageChangeRules.Delete(message, isMember, userId, time.GetUtcNow()));

    public async Task<PrunedMessages> PruneAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction) =>
        {
            await using var delete = connection.CreateCommand("""
                DELETE FROM messages WHERE rowid IN (SELECT rowid FROM messages WHERE created_at < @cutoff LIMIT @batch)
                RETURNING conversation_id, seq, media
                """, transaction)
                .With("@cutoff", cutoff.ToUnixTimeMilliseconds())
                .With("@batch", batchSize);
            var count = 0;
            var released = new List<MediaReferenceChange>();
            await using (var reader = await delete.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    count++;
                    released.AddRange(MediaReferenceChange.For(
                        reader.GetInt64(0), reader.GetInt64(1), MessageRows.ParseMedia(reader.GetNullableString(2)), attached: false));
                }
            }
            // Media learns of the release through the outbox, in this transaction: a prune that commits is never forgotten.
            await SqliteMediaOutbox.AddAsync(connection, transaction, released, cancellationToken);
            return new PrunedMessages(count, released.ConvertAll(r => r.MediaId));
        }, cancellationToken);

    /// <summary>
    /// Loads the message and the caller's membership, asks <paramref name="decide"/> (a <see cref="MessageChangeRules"/> rule)
    /// and writes its plan with the next version, and the release of any attachments to the outbox, in one transaction.
    /// </summary>
    private Task<MessageChange> ChangeOwnMessageAsync(
        long conversationId, long userId, long seq, CancellationToken cancellationToken, Func<ChatMessage?, bool, MessageChangePlan> decide) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var memberIds = await MessageRows.ReadMemberIdsAsync(connection, transaction, conversationId, cancellationToken);
            ChatMessage? message;
            await using (var select = connection.CreateCommand(
                $"SELECT {Columns} FROM messages WHERE conversation_id = @conversation AND seq = @seq", transaction)
                .With("@conversation", conversationId)
                .With("@seq", seq))
            {
                message = (await MessageRows.ReadAllAsync(select, cancellationToken)).SingleOrDefault();
            }
            var plan = decide(message, memberIds.Contains(userId));
            if (plan.Changed is not { } changed)
            {
                return plan.Applied(0, memberIds);
            }

            long version;
            await using (var bump = connection.CreateCommand(
                "UPDATE conversations SET last_version = last_version + 1 WHERE id = @conversation RETURNING last_version", transaction)
                .With("@conversation", conversationId))
            {
                version = (long)(await bump.ExecuteScalarAsync(cancellationToken))!;
            }
            await using var update = connection.CreateCommand("""
                UPDATE messages SET text = @text, media = @media, edited_at = @edited, deleted_at = @deleted, version = @version
                WHERE conversation_id = @conversation AND seq = @seq
                """, transaction)
                .With("@text", changed.Text)
                .With("@media", MessageRows.FormatMedia(changed.Media))
                .With("@edited", changed.EditedAt?.ToUnixTimeMilliseconds())
                .With("@deleted", changed.DeletedAt?.ToUnixTimeMilliseconds())
                .With("@version", version)
                .With("@conversation", conversationId)
                .With("@seq", seq);
            await update.ExecuteNonQueryAsync(cancellationToken);
            await SqliteMediaOutbox.AddAsync(connection, transaction, plan.Releases, cancellationToken);
            return plan.Applied(version, memberIds);
        }, cancellationToken);
}
