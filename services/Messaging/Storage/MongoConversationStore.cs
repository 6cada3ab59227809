using Chat.Mongo;
using MongoDB.Driver;
using static Chat.Messaging.Storage.MongoMessagingDatabase;

namespace Chat.Messaging.Storage;

/// <summary>Conversations on MongoDB; behaves as <see cref="SqliteConversationStore"/>, proven by the same contract suite.</summary>
public sealed class MongoConversationStore(MongoMessagingDatabase database, TimeProvider time) : IConversationStore
{
    private const string SequenceName = "conversations";

    private static readonly FilterDefinitionBuilder<ConversationDocument> Filter = Builders<ConversationDocument>.Filter;
    private static readonly UpdateDefinitionBuilder<ConversationDocument> Update = Builders<ConversationDocument>.Update;

    public async Task<Conversation> GetOrCreateDirectAsync(long userId, long otherUserId, CancellationToken cancellationToken)
    {
        var directKey = $"{Math.Min(userId, otherUserId)}:{Math.Max(userId, otherUserId)}";
        if (await database.Conversations.Find(c => c.DirectKey == directKey).FirstOrDefaultAsync(cancellationToken) is { } existing)
        {
            return existing.ToConversation();
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = await database.Ids.NextAsync(SequenceName, cancellationToken);
        try
        {
            // $setOnInsert: whoever loses the race on the unique direct key gets the winner's document, untouched.
            var conversation = await database.Conversations.FindOneAndUpdateAsync(
                Filter.Eq(c => c.DirectKey, directKey),
                Update.SetOnInsert(c => c.Id, id)
                    .SetOnInsert(c => c.Kind, ConversationKinds.Direct)
                    .SetOnInsert(c => c.LastSeq, 0L)
                    .SetOnInsert(c => c.LastVersion, 0L)
                    .SetOnInsert(c => c.CreatedAt, now)
                    .SetOnInsert(c => c.UpdatedAt, now)
                    .SetOnInsert(c => c.Members, [Member(userId, now), Member(otherUserId, now)]),
                new FindOneAndUpdateOptions<ConversationDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
                cancellationToken);
            return conversation.ToConversation();
        }
        catch (MongoException e) when (e.IsDuplicateKey())
        {
            return (await database.Conversations.Find(c => c.DirectKey == directKey).FirstAsync(cancellationToken)).ToConversation();
        }
    }

    public async Task<ConversationChange> CreateGroupAsync(long ownerId, string title, IReadOnlyList<long> memberIds, CancellationToken cancellationToken)
    {
        var id = await database.Ids.NextAsync(SequenceName, cancellationToken);
        return await database.WriteAsync(async (session, ct) =>
        {
            var now = time.GetUtcNow();
            var nowMs = now.ToUnixTimeMilliseconds();
            var (everyone, creation) = GroupRules.Creation(ownerId, title, memberIds);
            await database.Conversations.InsertOneAsync(session, new ConversationDocument
            {
                Id = id,
                Kind = ConversationKinds.Group,
                Title = title,
                OwnerId = ownerId,
                CreatedAt = nowMs,
                UpdatedAt = nowMs,
                Members = everyone.Select(userId => Member(userId, nowMs)).ToList(),
            }, cancellationToken: ct);
            var created = await database.AppendSystemAsync(session, id, creation, now, ct);
            var conversation = await LoadAsync(session, id, ct);
            return new ConversationChange(ChangeStatus.Done, conversation, [created], everyone);
        }, cancellationToken);
    }

    public async Task<Conversation?> FindForMemberAsync(long conversationId, long userId, CancellationToken cancellationToken)
    {
        var found = await database.Conversations
            .Find(Filter.Eq(c => c.Id, conversationId) & Filter.Eq("members.userId", userId))
            .FirstOrDefaultAsync(cancellationToken);
        return found?.ToConversation();
    }

    public async Task<IReadOnlyList<Conversation>> ListForMemberAsync(long userId, CancellationToken cancellationToken)
    {
        var found = await database.Conversations
            .Find(Filter.Eq("members.userId", userId))
            .SortByDescending(c => c.UpdatedAt)
            .ThenByDescending(c => c.Id)
            .ToListAsync(cancellationToken);
        return found.ConvertAll(c => c.ToConversation());
    }

    public async Task<IReadOnlySet<long>> ListContactsAsync(long userId, CancellationToken cancellationToken)
    {
        var contacts = new HashSet<long>();
        using var cursor = await database.Conversations
            .Find(Filter.Eq("members.userId", userId))
            .Project(c => c.Members)
            .ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var members in cursor.Current)
            {
                contacts.UnionWith(members.Select(m => m.UserId));
            }
        }
        contacts.Remove(userId);
        return contacts;
    }

    public Task<ConversationChange> AddMemberAsync(long conversationId, long actorId, long userId, int maxMembers, CancellationToken cancellationToken) =>
        ChangeGroupAsync(conversationId, actorId, cancellationToken, async (session, conversation, now, ct) =>
        {
            if (GroupRules.RefuseAdd(conversation.ToConversation(), actorId, userId, maxMembers) is { } refused)
            {
                return (refused, []);
            }
            await database.Conversations.UpdateOneAsync(session,
                Filter.Eq(c => c.Id, conversationId),
                Update.Push(c => c.Members, Member(userId, now.ToUnixTimeMilliseconds())),
                cancellationToken: ct);
            return (ChangeStatus.Done, [GroupRules.Added(actorId, userId)]);
        });

    public Task<ConversationChange> RemoveMemberAsync(long conversationId, long actorId, long userId, CancellationToken cancellationToken) =>
        ChangeGroupAsync(conversationId, actorId, cancellationToken, async (session, conversation, _, ct) =>
        {
            var group = conversation.ToConversation();
            if (GroupRules.RefuseRemove(group, actorId, userId) is { } refused)
            {
                return (refused, []);
            }
            var (events, newOwner) = GroupRules.Removal(group, actorId, userId);
            var update = Update.PullFilter(c => c.Members, m => m.UserId == userId);
            if (newOwner is { } owner)
            {
                update = update.Set(c => c.OwnerId, owner);
            }
            await database.Conversations.UpdateOneAsync(session, Filter.Eq(c => c.Id, conversationId), update, cancellationToken: ct);
            return (ChangeStatus.Done, events);
        });

    public Task<ConversationChange> RenameAsync(long conversationId, long actorId, string title, CancellationToken cancellationToken) =>
        ChangeGroupAsync(conversationId, actorId, cancellationToken, async (session, conversation, _, ct) =>
        {
            if (GroupRules.RefuseRename(conversation.ToConversation(), title) is { } refused)
            {
                return (refused, []);
            }
            await database.Conversations.UpdateOneAsync(session, Filter.Eq(c => c.Id, conversationId), Update.Set(c => c.Title, title),
                cancellationToken: ct);
            return (ChangeStatus.Done, [GroupRules.Renamed(actorId, title)]);
        });

    public async Task<ReadMarkerChange> MarkReadAsync(long conversationId, long userId, long seq, CancellationToken cancellationToken)
    {
        var conversation = await database.Conversations.Find(c => c.Id == conversationId).FirstOrDefaultAsync(cancellationToken);
        if (conversation?.Members.Find(m => m.UserId == userId) is not { } member)
        {
            return new ReadMarkerChange(ChangeStatus.NotFound, 0, []);
        }
        // lastSeq only grows, so clamping to the value just read can never let the marker pass the real last seq.
        var target = Math.Min(seq, conversation.LastSeq);
        var moved = await database.Conversations.FindOneAndUpdateAsync(
            Filter.Eq(c => c.Id, conversationId)
                & Filter.ElemMatch(c => c.Members, m => m.UserId == userId && m.LastReadSeq < target),
            // $max on the matched element: two racing markers leave the larger one, never move it back.
            Update.Max("members.$.lastReadSeq", target),
            new FindOneAndUpdateOptions<ConversationDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
        if (moved is not null)
        {
            return new ReadMarkerChange(ChangeStatus.Done, target, moved.ToConversation().MemberIds);
        }
        var current = await database.Conversations.Find(c => c.Id == conversationId).FirstOrDefaultAsync(cancellationToken);
        return current?.Members.Find(m => m.UserId == userId) is { } now
            ? new ReadMarkerChange(ChangeStatus.Unchanged, now.LastReadSeq, [])
            : new ReadMarkerChange(ChangeStatus.NotFound, 0, []);
    }

    /// <summary>
    /// The frame of every group change: the actor must be a member of a group; <paramref name="apply"/> makes the
    /// change and names its system messages, which are appended in the same transaction.
    /// </summary>
    private Task<ConversationChange> ChangeGroupAsync(
        long conversationId,
        long actorId,
        CancellationToken cancellationToken,
        Func<IClientSessionHandle, ConversationDocument, DateTimeOffset, CancellationToken, Task<(ChangeStatus, IReadOnlyList<SystemEvent>)>> apply) =>
        database.WriteAsync(async (session, ct) =>
        {
            var conversation = await database.Conversations.Find(session, c => c.Id == conversationId).FirstOrDefaultAsync(ct);
            if (GroupRules.RefuseChange(conversation?.ToConversation(), actorId) is { } refused)
            {
                return ConversationChange.Failed(refused);
            }

            var now = time.GetUtcNow();
            var (status, events) = await apply(session, conversation!, now, ct);
            if (status != ChangeStatus.Done)
            {
                return ConversationChange.Failed(status);
            }
            var messages = new List<ChatMessage>(events.Count);
            foreach (var system in events)
            {
                messages.Add(await database.AppendSystemAsync(session, conversationId, system, now, ct));
            }
            var changed = (await LoadAsync(session, conversationId, ct))!;
            var audience = GroupRules.Audience(conversation!.ToConversation(), changed);
            return new ConversationChange(ChangeStatus.Done, changed, messages, audience);
        }, cancellationToken);

    private async Task<Conversation?> LoadAsync(IClientSessionHandle session, long conversationId, CancellationToken cancellationToken) =>
        (await database.Conversations.Find(session, c => c.Id == conversationId).FirstOrDefaultAsync(cancellationToken))?.ToConversation();

    private static MemberDocument Member(long userId, long joinedAt) => new() { UserId = userId, LastReadSeq = 0, JoinedAt = joinedAt };
}
