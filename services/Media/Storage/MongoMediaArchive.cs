using System.Globalization;
using System.Runtime.CompilerServices;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Chat.Media.Storage;

/// <summary>Media's archive on MongoDB: the <c>media</c> and <c>media_references</c> collections <see cref="MongoMediaStore"/> uses.</summary>
public sealed class MongoMediaArchive : IMediaArchive
{
    private readonly IMongoCollection<MongoMediaStore.MediaDocument> _media;
    private readonly IMongoCollection<MongoMediaStore.ReferenceDocument> _references;

    public MongoMediaArchive(IMongoClient client, IMongoDatabase database)
    {
        // The store owns the indexes; constructing it creates those.
        _ = new MongoMediaStore(client, database, TimeProvider.System);
        _media = database.GetCollection<MongoMediaStore.MediaDocument>(MongoMediaStore.CollectionName);
        _references = database.GetCollection<MongoMediaStore.ReferenceDocument>(MongoMediaStore.ReferencesName);
    }

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken) =>
        !await _media.Find(FilterDefinition<MongoMediaStore.MediaDocument>.Empty).AnyAsync(cancellationToken)
        && !await _references.Find(FilterDefinition<MongoMediaStore.ReferenceDocument>.Empty).AnyAsync(cancellationToken);

    public async IAsyncEnumerable<ArchivedMedia> ReadMediaAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cursor = await _media.Find(FilterDefinition<MongoMediaStore.MediaDocument>.Empty).SortBy(m => m.Id).ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var m in cursor.Current)
            {
                yield return new ArchivedMedia(m.Id, m.ConversationId, m.UploaderId, m.BlobKey, m.ContentType, m.Size, m.FileName, m.Width, m.Height,
                    m.ThumbnailKey, m.CreatedAt, m.AttachedAt);
            }
        }
    }

    public async IAsyncEnumerable<ArchivedMediaReference> ReadReferencesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cursor = await _references.Find(FilterDefinition<MongoMediaStore.ReferenceDocument>.Empty).SortBy(r => r.Id)
            .ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var reference in cursor.Current)
            {
                // A reference's conversation and seq live only in its id, "media:conversation:seq".
                var parts = reference.Id.Split(':');
                yield return new ArchivedMediaReference(reference.MediaId, long.Parse(parts[1], CultureInfo.InvariantCulture),
                    long.Parse(parts[2], CultureInfo.InvariantCulture), reference.Released);
            }
        }
    }

    public async IAsyncEnumerable<string> ReadBlobKeysAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Originals and thumbnails as one distinct list, grouped by the server (on disk if large), streamed back.
        var pipeline = new BsonDocument[]
        {
            new("$project", new BsonDocument("keys", new BsonArray { "$blobKey", "$thumbnailKey" })),
            new("$unwind", "$keys"),
            new("$match", new BsonDocument("keys", new BsonDocument("$type", "string"))),
            new("$group", new BsonDocument("_id", "$keys")),
            new("$sort", new BsonDocument("_id", 1)),
        };
        using var cursor = await _media.Database.GetCollection<BsonDocument>(MongoMediaStore.CollectionName)
            .AggregateAsync<BsonDocument>(pipeline, new AggregateOptions { AllowDiskUse = true }, cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var key in cursor.Current)
            {
                yield return key["_id"].AsString;
            }
        }
    }

    public async Task WriteMediaAsync(IReadOnlyList<ArchivedMedia> media, CancellationToken cancellationToken)
    {
        if (media.Count == 0)
        {
            return;
        }
        await _media.InsertManyAsync(media.Select(m => new MongoMediaStore.MediaDocument
        {
            Id = m.Id,
            ConversationId = m.ConversationId,
            UploaderId = m.UploaderId,
            BlobKey = m.BlobKey,
            ContentType = m.ContentType,
            Size = m.Size,
            FileName = m.FileName,
            Width = m.Width,
            Height = m.Height,
            ThumbnailKey = m.ThumbnailKey,
            CreatedAt = m.CreatedAt,
            AttachedAt = m.AttachedAt,
        }), cancellationToken: cancellationToken);
    }

    public async Task WriteReferencesAsync(IReadOnlyList<ArchivedMediaReference> references, CancellationToken cancellationToken)
    {
        if (references.Count == 0)
        {
            return;
        }
        await _references.InsertManyAsync(references.Select(r => new MongoMediaStore.ReferenceDocument
        {
            Id = MongoMediaStore.ReferenceDocument.KeyOf(new MediaReferenceChange(r.MediaId, r.ConversationId, r.Seq, !r.Released)),
            MediaId = r.MediaId,
            Released = r.Released,
        }), cancellationToken: cancellationToken);
    }
}
