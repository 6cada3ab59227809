using Chat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Messaging.Storage;

public sealed class SqliteConversationStore(MessagingDatabase database, TimeProvider time) : IConversationStore
{
    private const string ConversationColumns = "c.id, c.kind, c.title, c.owner_id, c.last_seq, c.last_version, c.created_at";

    public async Task<Conversation> GetOrCreateDirectAsync(long userId, long otherUserId, CancellationToken cancellationToken)
    {
        var directKey = $"{Math.Min(userId, otherUserId)}:{Math.Max(userId, otherUserId)}";
        return await database.WriteAsync(async (connection, transaction) =>
        {
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
                await InsertMembersAsync(connection, transaction, id, [userId, otherUserId], now, cancellationToken);
            }
            await using var select = connection.CreateCommand($"SELECT {ConversationColumns} FROM conversations c WHERE c.direct_key = @key", transaction)
                .With("@key", directKey);
            return (await ReadConversationsAsync(connection, transaction, select, cancellationToken))[0];
        }, cancellationToken);
    }

    public Task<ConversationChange> CreateGroupAsync(long ownerId, string title, IReadOnlyList<long> memberIds, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            await using var insert = connection.CreateCommand("""
                INSERT INTO conversations (kind, title, owner_id, created_at, updated_at)
                VALUES ('group', @title, @owner, @now, @now)
                RETURNING id
                """, transaction)
                .With("@title", title)
                .With("@owner", ownerId)
                .With("@now", now.ToUnixTimeMilliseconds());
            var id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
            var (everyone, creation) = GroupRules.Creation(ownerId, title, memberIds);
            await InsertMembersAsync(connection, transaction, id, everyone, now.ToUnixTimeMilliseconds(), cancellationToken);
            await using var appender = new SqliteAppender(connection).Enlist(transaction);
            var created = await appender.AppendSystemAsync(id, creation, now, cancellationToken);
            var conversation = await LoadAsync(connection, transaction, id, cancellationToken);
            return new ConversationChange(ChangeStatus.Done, conversation, [created], everyone);
        }, cancellationToken);

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
        var found = await ReadConversationsAsync(connection, null, select, cancellationToken);
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
        return await ReadConversationsAsync(connection, null, select, cancellationToken);
    }

    public async Task<IReadOnlySet<long>> ListContactsAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.Database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand("""
            SELECT DISTINCT other.user_id FROM members mine
            JOIN members other ON other.conversation_id = mine.conversation_id
            WHERE mine.user_id = @user AND other.user_id <> @user
            """)
            .With("@user", userId);
        var contacts = new HashSet<long>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            contacts.Add(reader.GetInt64(0));
        }
        return contacts;
    }

    public Task<ConversationChange> AddMemberAsync(long conversationId, long actorId, long userId, int maxMembers, CancellationToken cancellationToken) =>
        ChangeGroupAsync(conversationId, actorId, cancellationToken, async (connection, transaction, conversation, now) =>
        {
            if (GroupRules.RefuseAdd(conversation, actorId, userId, maxMembers) is { } refused)
            {
                return (refused, []);
            }
            await InsertMembersAsync(connection, transaction, conversationId, [userId], now.ToUnixTimeMilliseconds(), cancellationToken);
            return (ChangeStatus.Done, [GroupRules.Added(actorId, userId)]);
        });

    public Task<ConversationChange> RemoveMemberAsync(long conversationId, long actorId, long userId, CancellationToken cancellationToken) =>
        ChangeGroupAsync(conversationId, actorId, cancellationToken, async (connection, transaction, conversation, _) =>
        {
            if (GroupRules.RefuseRemove(conversation, actorId, userId) is { } refused)
            {
                return (refused, []);
            }
            await using (var delete = connection.CreateCommand(
                "DELETE FROM members WHERE conversation_id = @conversation AND user_id = @user", transaction)
                .With("@conversation", conversationId)
                .With("@user", userId))
            {
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }
            var (events, newOwner) = GroupRules.Removal(conversation, actorId, userId);
            if (newOwner is { } owner)
            {
                await using var handOver = connection.CreateCommand("UPDATE conversations SET owner_id = @owner WHERE id = @conversation", transaction)
                    .With("@owner", owner)
                    .With("@conversation", conversationId);
                await handOver.ExecuteNonQueryAsync(cancellationToken);
            }
            return (ChangeStatus.Done, events);
        });

    public Task<ConversationChange> RenameAsync(long conversationId, long actorId, string title, CancellationToken cancellationToken) =>
        ChangeGroupAsync(conversationId, actorId, cancellationToken, async (connection, transaction, conversation, _) =>
        {
            if (GroupRules.RefuseRename(conversation, title) is { } refused)
            {
                return (refused, []);
            }
            await using var rename = connection.CreateCommand("UPDATE conversations SET title = @title WHERE id = @conversation", transaction)
                .With("@title", title)
                .With("@conversation", conversationId);
            await rename.ExecuteNonQueryAsync(cancellationToken);
            return (ChangeStatus.Done, [GroupRules.Renamed(actorId, title)]);
        });

    public Task<ReadMarkerChange> MarkReadAsync(long conversationId, long userId, long seq, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var update = connection.CreateCommand("""
                UPDATE members SET last_read_seq = MIN(@seq, (SELECT last_seq FROM conversations WHERE id = @conversation))
                WHERE conversation_id = @conversation AND user_id = @user
                  AND last_read_seq < MIN(@seq, (SELECT last_seq FROM conversations WHERE id = @conversation))
                RETURNING last_read_seq
                """, transaction)
                .With("@conversation", conversationId)
                .With("@user", userId)
                .With("@seq", seq);
            if (await update.ExecuteScalarAsync(cancellationToken) is long moved)
            {
                return new ReadMarkerChange(ChangeStatus.Done, moved,
                    await MessageRows.ReadMemberIdsAsync(connection, transaction, conversationId, cancellationToken));
            }
            await using var select = connection.CreateCommand(
                "SELECT last_read_seq FROM members WHERE conversation_id = @conversation AND user_id = @user", transaction)
                .With("@conversation", conversationId)
                .With("@user", userId);
            return await select.ExecuteScalarAsync(cancellationToken) is long current
                ? new ReadMarkerChange(ChangeStatus.Unchanged, current, [])
                : new ReadMarkerChange(ChangeStatus.NotFound, 0, []);
        }, cancellationToken);

    /// <summary>
    /// The frame of every group change: the actor must be a member of a group; <paramref name="apply"/> makes the
    /// change and names its system messages, which are appended in the same transaction.
    /// </summary>
    private Task<ConversationChange> ChangeGroupAsync(
        long conversationId,
        long actorId,
        CancellationToken cancellationToken,
        Func<SqliteConnection, SqliteTransaction, Conversation, DateTimeOffset, Task<(ChangeStatus, IReadOnlyList<SystemEvent>)>> apply) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var conversation = await LoadAsync(connection, transaction, conversationId, cancellationToken);
            if (GroupRules.RefuseChange(conversation, actorId) is { } refused)
            {
                return ConversationChange.Failed(refused);
            }

            var now = time.GetUtcNow();
            var (status, events) = await apply(connection, transaction, conversation!, now);
            if (status != ChangeStatus.Done)
            {
                return ConversationChange.Failed(status);
            }
            var messages = new List<ChatMessage>(events.Count);
            await using var appender = new SqliteAppender(connection).Enlist(transaction);
            foreach (var system in events)
            {
                messages.Add(await appender.AppendSystemAsync(conversationId, system, now, cancellationToken));
            }
            var changed = await LoadAsync(connection, transaction, conversationId, cancellationToken);
            var audience = GroupRules.Audience(conversation!, changed!);
            return new ConversationChange(ChangeStatus.Done, changed, messages, audience);
        }, cancellationToken);

    private static async Task InsertMembersAsync(
        SqliteConnection connection, SqliteTransaction transaction, long conversationId, IReadOnlyList<long> userIds, long now,
        CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand(
            "INSERT INTO members (conversation_id, user_id, joined_at) VALUES (@conversation, @user, @now)", transaction);
        insert.With("@conversation", conversationId).With("@now", now);
        var user = insert.Parameters.Add("@user", SqliteType.Integer);
        foreach (var userId in userIds)
        {
            user.Value = userId;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<Conversation?> LoadAsync(
        SqliteConnection connection, SqliteTransaction transaction, long conversationId, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand($"SELECT {ConversationColumns} FROM conversations c WHERE c.id = @id", transaction)
            .With("@id", conversationId);
        var found = await ReadConversationsAsync(connection, transaction, select, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    private static async Task<IReadOnlyList<Conversation>> ReadConversationsAsync(
        SqliteConnection connection, SqliteTransaction? transaction, SqliteCommand select, CancellationToken cancellationToken)
    {
        var rows = new List<(long Id, string Kind, string? Title, long? Owner, long LastSeq, long LastVersion, DateTimeOffset CreatedAt)>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetNullableString(2),
                    reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetUnixMilliseconds(6)));
            }
        }
        if (rows.Count == 0)
        {
            return [];
        }

        var members = rows.ToDictionary(r => r.Id, _ => new List<ConversationMember>());
        // Ids come from the rows just read (integers), so inlining them is safe.
        await using var memberSelect = connection.CreateCommand(
            $"SELECT conversation_id, user_id, last_read_seq FROM members WHERE conversation_id IN ({string.Join(',', members.Keys)}) ORDER BY joined_at, user_id",
            transaction);
        await using (var reader = await memberSelect.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                members[reader.GetInt64(0)].Add(new ConversationMember(reader.GetInt64(1), reader.GetInt64(2)));
            }
        }
        return rows.Select(r => new Conversation(r.Id, r.Kind, r.Title, r.Owner, members[r.Id], r.LastSeq, r.LastVersion, r.CreatedAt)).ToList();
    }
}
