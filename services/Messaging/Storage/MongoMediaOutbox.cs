using MongoDB.Driver;
using static Chat.Messaging.Storage.MongoMessagingDatabase;

namespace Chat.Messaging.Storage;

/// <summary>The <c>media_outbox</c> collection; behaves as <see cref="SqliteMediaOutbox"/>, proven by the same contract suite.</summary>
public sealed class MongoMediaOutbox(MongoMessagingDatabase database) : IMediaOutbox
{
    private static readonly FilterDefinitionBuilder<MediaOutboxDocument> Filter = Builders<MediaOutboxDocument>.Filter;

    public async Task<IReadOnlyList<MediaReferenceChange>> PeekAsync(int limit, CancellationToken cancellationToken)
    {
        var documents = await database.MediaOutbox.Find(Filter.Empty).SortBy(o => o.Id).Limit(limit).ToListAsync(cancellationToken);
        return documents.ConvertAll(o => o.ToChange());
    }

    public async Task RemoveAsync(IReadOnlyCollection<MediaReferenceChange> delivered, CancellationToken cancellationToken)
    {
        if (delivered.Count == 0)
        {
            return;
        }
        var deletes = delivered.Select(change => new DeleteManyModel<MediaOutboxDocument>(
            Filter.Eq(o => o.ConversationId, change.ConversationId)
            & Filter.Eq(o => o.Seq, change.Seq)
            & Filter.Eq(o => o.MediaId, change.MediaId)
            & Filter.Eq(o => o.Attached, change.Attached)));
        await database.MediaOutbox.BulkWriteAsync(deletes, new BulkWriteOptions { IsOrdered = false }, cancellationToken);
    }
}
