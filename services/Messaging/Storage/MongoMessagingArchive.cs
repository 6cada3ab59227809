using System.Runtime.CompilerServices;
using Chat.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;
using static Chat.Messaging.Storage.MongoMessagingDatabase;

namespace Chat.Messaging.Storage;

/// <summary>Messaging's archive on MongoDB, through <see cref="MongoMessagingDatabase"/> (its collections and indexes).</summary>
public sealed class MongoMessagingArchive : IMessagingArchive
{
    private const string ConversationSequence = "conversations";

    private readonly MongoMessagingDatabase _database;
    private readonly IMongoCollection<MongoBlockStore.BlockDocument> _blocks;

    public MongoMessagingArchive(MongoMessagingDatabase database)
    {
        _database = database;
        // The block store owns the blocks collection's index; constructing it creates that.
        _ = new MongoBlockStore(database);
        _blocks = MongoBlockStore.Collection(database);
    }

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken) =>
        !await _database.Conversations.Find(FilterDefinition<ConversationDocument>.Empty).AnyAsync(cancellationToken)
        && !await _database.Messages.Find(FilterDefinition<MessageDocument>.Empty).AnyAsync(cancellationToken)
        && !await _blocks.Find(FilterDefinition<MongoBlockStore.BlockDocument>.Empty).AnyAsync(cancellationToken)
        && !await _database.MediaOutbox.Find(FilterDefinition<MediaOutboxDocument>.Empty).AnyAsync(cancellationToken);

    public async IAsyncEnumerable<ArchivedConversation> ReadConversationsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cursor = await _database.Conversations.Find(FilterDefinition<ConversationDocument>.Empty).SortBy(c => c.Id)
            .ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var c in cursor.Current)
            {
                var members = c.Members.OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId)
                    .Select(m => new ArchivedMember(m.UserId, m.LastReadSeq, m.JoinedAt)).ToList();
                yield return new ArchivedConversation(c.Id, c.Kind, c.Title, c.OwnerId, c.DirectKey, c.LastSeq, c.LastVersion, c.CreatedAt,
                    c.UpdatedAt, members);
            }
        }
    }

    public async IAsyncEnumerable<ArchivedMessage> ReadMessagesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cursor = await _database.Messages.Find(FilterDefinition<MessageDocument>.Empty)
            .SortBy(m => m.ConversationId).ThenBy(m => m.Seq).ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var m in cursor.Current)
            {
                yield return new ArchivedMessage(m.ConversationId, m.Seq, m.SenderId, m.ClientMessageId, m.Kind, m.Text, m.Media,
                    m.System?.ToEvent(), m.CreatedAt, m.EditedAt, m.DeletedAt, m.Version);
            }
        }
    }

    public async IAsyncEnumerable<ArchivedBlockCopy> ReadBlocksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cursor = await _blocks.Find(FilterDefinition<MongoBlockStore.BlockDocument>.Empty)
            .SortBy(b => b.BlockerId).ThenBy(b => b.BlockedId).ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var block in cursor.Current)
            {
                yield return new ArchivedBlockCopy(block.BlockerId, block.BlockedId);
            }
        }
    }

    public async IAsyncEnumerable<MediaReferenceChange> ReadMediaOutboxAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cursor = await _database.MediaOutbox.Find(FilterDefinition<MediaOutboxDocument>.Empty).SortBy(o => o.Id)
            .ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var change in cursor.Current)
            {
                yield return change.ToChange();
            }
        }
    }

    public async Task WriteConversationsAsync(IReadOnlyList<ArchivedConversation> conversations, CancellationToken cancellationToken)
    {
        if (conversations.Count == 0)
        {
            return;
        }
        await _database.Conversations.InsertManyAsync(conversations.Select(c => new ConversationDocument
        {
            Id = c.Id,
            Kind = c.Kind,
            Title = c.Title,
            OwnerId = c.OwnerId,
            DirectKey = c.DirectKey,
            LastSeq = c.LastSeq,
            LastVersion = c.LastVersion,
            CreatedAt = c.CreatedAt,
            UpdatedAt = c.UpdatedAt,
            Members = c.Members.Select(m => new MemberDocument { UserId = m.UserId, LastReadSeq = m.LastReadSeq, JoinedAt = m.JoinedAt }).ToList(),
        }), cancellationToken: cancellationToken);
    }

    public async Task WriteMessagesAsync(IReadOnlyList<ArchivedMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }
        await _database.Messages.InsertManyAsync(messages.Select(m => new MessageDocument
        {
            Id = ObjectId.GenerateNewId(),
            ConversationId = m.ConversationId,
            Seq = m.Seq,
            SenderId = m.SenderId,
            ClientMessageId = m.ClientMessageId,
            Kind = m.Kind,
            Text = m.Text,
            Media = [.. m.Media],
            System = m.System is null ? null : SystemDocument.From(m.System),
            CreatedAt = m.CreatedAt,
            EditedAt = m.EditedAt,
            DeletedAt = m.DeletedAt,
            Version = m.Version,
        }), cancellationToken: cancellationToken);
    }

    public async Task WriteBlocksAsync(IReadOnlyList<ArchivedBlockCopy> blocks, CancellationToken cancellationToken)
    {
        if (blocks.Count == 0)
        {
            return;
        }
        // Upserts: a deployment whose services share one database shares this collection with Identity's blocks.
        await _blocks.BulkWriteAsync(blocks.Select(b => new UpdateOneModel<MongoBlockStore.BlockDocument>(
            Builders<MongoBlockStore.BlockDocument>.Filter.Eq(d => d.Id, MongoBlockStore.Key(b.BlockerId, b.BlockedId)),
            Builders<MongoBlockStore.BlockDocument>.Update.Set(d => d.BlockerId, b.BlockerId).Set(d => d.BlockedId, b.BlockedId)) { IsUpsert = true }),
            cancellationToken: cancellationToken);
    }

    public async Task WriteMediaOutboxAsync(IReadOnlyList<MediaReferenceChange> changes, CancellationToken cancellationToken)
    {
        if (changes.Count > 0)
        {
            await _database.MediaOutbox.InsertManyAsync(changes.Select(MediaOutboxDocument.From), cancellationToken: cancellationToken);
        }
    }

    public async Task CompleteImportAsync(CancellationToken cancellationToken)
    {
        // Highest seq and version per conversation, streamed from the server's grouping; counters only ever move up.
        var highest = _database.Messages.Aggregate(new AggregateOptions { AllowDiskUse = true })
            .Group(m => m.ConversationId, g => new { ConversationId = g.Key, Seq = g.Max(m => m.Seq), Version = g.Max(m => m.Version) });
        using (var cursor = await highest.ToCursorAsync(cancellationToken))
        {
            while (await cursor.MoveNextAsync(cancellationToken))
            {
                foreach (var conversation in cursor.Current)
                {
                    await _database.Conversations.UpdateOneAsync(
                        Builders<ConversationDocument>.Filter.Eq(c => c.Id, conversation.ConversationId),
                        Builders<ConversationDocument>.Update.Max(c => c.LastSeq, conversation.Seq).Max(c => c.LastVersion, conversation.Version),
                        cancellationToken: cancellationToken);
                }
            }
        }
        var last = await _database.Conversations.Find(FilterDefinition<ConversationDocument>.Empty).SortByDescending(c => c.Id).Limit(1)
            .FirstOrDefaultAsync(cancellationToken);
        if (last is not null)
        {
            // The conversation store draws ids from this counter: it must continue above the imported ids.
            await _database.Conversations.Database.GetCollection<MongoIdSequences.SequenceDocument>(MongoIdSequences.CollectionName).UpdateOneAsync(
                Builders<MongoIdSequences.SequenceDocument>.Filter.Eq(s => s.Name, ConversationSequence),
                Builders<MongoIdSequences.SequenceDocument>.Update.Max(s => s.Value, last.Id),
                new UpdateOptions { IsUpsert = true }, cancellationToken);
        }
    }
}
