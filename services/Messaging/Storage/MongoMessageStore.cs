using Chat.Mongo;
using MongoDB.Driver;
using static Chat.Messaging.Storage.MongoMessagingDatabase;

namespace Chat.Messaging.Storage;

/// <summary>Messages on MongoDB; behaves as <see cref="SqliteMessageStore"/>, proven by the same contract suite.</summary>
public sealed class MongoMessageStore(MongoMessagingDatabase database, TimeProvider time) : IMessageStore
{
    private static readonly FilterDefinitionBuilder<MessageDocument> Filter = Builders<MessageDocument>.Filter;

    // Sixteen 100,000-character messages are the most a budgeted read fetches past its cut.
    private static readonly FindOptions ReadInBatches = new() { BatchSize = 16 };

    public async Task<AppendResult> AppendAsync(NewMessage message, CancellationToken cancellationToken)
    {
        using var activity = ChatTelemetry.ActivitySource.StartActivity("messages.append");
        activity?.SetTag("chat.conversation_id", message.ConversationId);

        AppendResult result;
        try
        {
            result = await database.WriteAsync(async (session, ct) =>
            {
                var conversation = await database.Conversations.Find(session, c => c.Id == message.ConversationId).FirstOrDefaultAsync(ct);
                var memberIds = conversation?.ToConversation().MemberIds ?? [];
                if (await AppendRules.RefuseAsync(message, memberIds,
                    async () => (await database.Messages.Find(session, IdempotencyKey(message)).FirstOrDefaultAsync(ct))?.ToMessage(),
                    () => IsBlockedDirectAsync(session, conversation!, message.SenderId, ct)) is { } refused)
                {
                    return refused;
                }

                // The $inc in AppendAsync writes the conversation document read above: a membership change committed
                // since that read makes this transaction conflict and start again, so the check above cannot go stale.
                var stored = await database.AppendAsync(session, message.ConversationId, message.SenderId, message.ClientMessageId,
                    MessageKinds.Text, message.Text, message.Media, null, time.GetUtcNow(), ct);
                return new AppendResult(AppendStatus.Appended, stored, memberIds);
            }, cancellationToken);
        }
        catch (MongoException e) when (e.IsDuplicateKey())
        {
            // A concurrent send of the same client message id won the unique index; answer with the one it stored.
            var original = await database.Messages.Find(IdempotencyKey(message)).FirstAsync(cancellationToken);
            var conversation = await database.Conversations.Find(c => c.Id == message.ConversationId).FirstAsync(cancellationToken);
            result = new AppendResult(AppendStatus.Duplicate, original.ToMessage(), conversation.ToConversation().MemberIds);
        }

        activity?.SetTag("chat.seq", result.Message?.Seq);
        return result;
    }

    public async Task<MessagePage> GetPageAsync(long conversationId, long? beforeSeq, long? afterSeq, int limit, CancellationToken cancellationToken)
    {
        var ascending = afterSeq is not null;
        var bound = afterSeq ?? beforeSeq ?? long.MaxValue;
        var find = ascending
            ? database.Messages.Find(Filter.Eq(m => m.ConversationId, conversationId) & Filter.Gt(m => m.Seq, bound)).SortBy(m => m.Seq)
            : database.Messages.Find(Filter.Eq(m => m.ConversationId, conversationId) & Filter.Lt(m => m.Seq, bound)).SortByDescending(m => m.Seq);
        var documents = await find.Limit(limit + 1).ToListAsync(cancellationToken);
        return MessagePage.FromRead(documents.ConvertAll(m => m.ToMessage()), limit, ascending);
    }

    public Task<IReadOnlyList<ChatMessage>> GetMessagesAfterAsync(long conversationId, long afterSeq, ReadBudget budget, CancellationToken cancellationToken) =>
        ReadWithinAsync(
            database.Messages.Find(Filter.Eq(m => m.ConversationId, conversationId) & Filter.Gt(m => m.Seq, afterSeq), ReadInBatches).SortBy(m => m.Seq),
            budget, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetUpdatesAsync(long conversationId, long throughSeq, long afterVersion, ReadBudget budget, CancellationToken cancellationToken) =>
        ReadWithinAsync(
            database.Messages
                .Find(Filter.Eq(m => m.ConversationId, conversationId)
                    & Filter.Gt(m => m.Version, afterVersion)
                    & Filter.Lte(m => m.Seq, throughSeq)
                    & (Filter.Ne(m => m.EditedAt, null) | Filter.Ne(m => m.DeletedAt, null)), ReadInBatches)
                .SortBy(m => m.Version),
            budget, cancellationToken);

    public async Task<IReadOnlyDictionary<long, ChatMessage>> GetLastMessagesAsync(IReadOnlyCollection<long> conversationIds, CancellationToken cancellationToken)
    {
        var last = new Dictionary<long, ChatMessage>(conversationIds.Count);
        foreach (var id in conversationIds)
        {
            // One indexed lookup per conversation on (conversationId, seq), as the SQLite store does.
            var newest = await database.Messages.Find(m => m.ConversationId == id).SortByDescending(m => m.Seq).Limit(1)
                .FirstOrDefaultAsync(cancellationToken);
            if (newest is not null)
            {
                last[id] = newest.ToMessage();
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

    public async Task<PrunedMessages> PruneAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken)
    {
        var cutoffMs = cutoff.ToUnixTimeMilliseconds();
        return await database.WriteAsync(async (session, ct) =>
        {
            var batch = await database.Messages.Find(session, m => m.CreatedAt < cutoffMs)
                .Limit(batchSize)
                .Project(m => new { m.Id, m.ConversationId, m.Seq, m.Media })
                .ToListAsync(ct);
            if (batch.Count == 0)
            {
                return new PrunedMessages(0, []);
            }
            var deleted = await database.Messages.DeleteManyAsync(session, Filter.In(m => m.Id, batch.Select(m => m.Id)), cancellationToken: ct);
            var released = batch.SelectMany(m => MediaReferenceChange.For(m.ConversationId, m.Seq, m.Media, attached: false)).ToArray();
            // Media learns of the release through the outbox, in this transaction: a prune that commits is never forgotten.
            await database.AddToMediaOutboxAsync(session, released, ct);
            return new PrunedMessages((int)deleted.DeletedCount, released.Select(r => r.MediaId).ToArray());
        }, cancellationToken);
    }

    /// <summary>
    /// Reads documents in order while they fit the budget, from a cursor in small batches: reading stops at the first
    /// that does not fit, so at most one batch beyond the cut is ever fetched, not the whole row limit.
    /// </summary>
    private static async Task<IReadOnlyList<ChatMessage>> ReadWithinAsync(
        IFindFluent<MessageDocument, MessageDocument> find, ReadBudget budget, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage>();
        using var cursor = await find.Limit(budget.RowLimit).ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var document in cursor.Current)
            {
                var message = document.ToMessage();
                if (!budget.TryTake(message))
                {
                    return messages;
                }
                messages.Add(message);
            }
        }
        return messages;
    }

    private static FilterDefinition<MessageDocument> IdempotencyKey(NewMessage message) =>
        Filter.Eq(m => m.ConversationId, message.ConversationId)
        & Filter.Eq(m => m.SenderId, message.SenderId)
        & Filter.Eq(m => m.ClientMessageId, message.ClientMessageId);

    /// <summary>Whether this is a direct conversation whose two members are blocked, either way; read in the append's transaction.</summary>
    private async Task<bool> IsBlockedDirectAsync(IClientSessionHandle session, ConversationDocument conversation, long senderId, CancellationToken ct) =>
        conversation.Kind == ConversationKinds.Direct
        && conversation.Members.Find(m => m.UserId != senderId) is { } other
        && await MongoBlockStore.Collection(database).Find(session, MongoBlockStore.EitherWay(senderId, other.UserId)).AnyAsync(ct);

    /// <summary>
    /// Loads the message and the caller's membership, asks <paramref name="decide"/> (a <see cref="MessageChangeRules"/> rule)
    /// and writes its plan with the next version, and the release of any attachments to the outbox, in one transaction.
    /// </summary>
    private Task<MessageChange> ChangeOwnMessageAsync(
        long conversationId, long userId, long seq, CancellationToken cancellationToken, Func<ChatMessage?, bool, MessageChangePlan> decide) =>
        database.WriteAsync(async (session, ct) =>
        {
            var conversation = await database.Conversations.Find(session, c => c.Id == conversationId).FirstOrDefaultAsync(ct);
            var memberIds = conversation?.ToConversation().MemberIds ?? [];
            var document = await database.Messages.Find(session, m => m.ConversationId == conversationId && m.Seq == seq).FirstOrDefaultAsync(ct);
            var plan = decide(document?.ToMessage(), memberIds.Contains(userId));
            if (plan.Changed is not { } changed)
            {
                return plan.Applied(0, memberIds);
            }

            var counters = await database.Conversations.FindOneAndUpdateAsync(session,
                Builders<ConversationDocument>.Filter.Eq(c => c.Id, conversationId),
                Builders<ConversationDocument>.Update.Inc(c => c.LastVersion, 1L),
                new FindOneAndUpdateOptions<ConversationDocument> { ReturnDocument = ReturnDocument.After },
                ct);
            await database.Messages.UpdateOneAsync(session,
                Filter.Eq(m => m.Id, document!.Id),
                Builders<MessageDocument>.Update
                    .Set(m => m.Text, changed.Text)
                    .Set(m => m.Media, [.. changed.Media])
                    .Set(m => m.EditedAt, changed.EditedAt?.ToUnixTimeMilliseconds())
                    .Set(m => m.DeletedAt, changed.DeletedAt?.ToUnixTimeMilliseconds())
                    .Set(m => m.Version, counters.LastVersion),
                cancellationToken: ct);
            await database.AddToMediaOutboxAsync(session, plan.Releases, ct);
            return plan.Applied(counters.LastVersion, memberIds);
        }, cancellationToken);
}
