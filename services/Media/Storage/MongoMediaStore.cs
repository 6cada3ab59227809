using System.Globalization;
using Chat.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Chat.Media.Storage;

/// <summary>Media metadata on MongoDB; behaves as <see cref="SqliteMediaStore"/>, proven by the same contract suite.</summary>
public sealed class MongoMediaStore : IMediaStore
{
    public const string CollectionName = "media";
    public const string ReferencesName = "media_references";

    private static readonly FilterDefinitionBuilder<MediaDocument> Filter = Builders<MediaDocument>.Filter;
    private static readonly FilterDefinitionBuilder<ReferenceDocument> ReferenceFilter = Builders<ReferenceDocument>.Filter;

    private readonly IMongoClient _client;
    private readonly IMongoCollection<MediaDocument> _media;
    private readonly IMongoCollection<ReferenceDocument> _references;
    private readonly TimeProvider _time;

    public MongoMediaStore(IMongoClient client, IMongoDatabase database, TimeProvider time)
    {
        _client = client;
        _media = database.GetCollection<MediaDocument>(CollectionName);
        _references = database.GetCollection<ReferenceDocument>(ReferencesName);
        _time = time;
        var index = Builders<MediaDocument>.IndexKeys;
        _media.Indexes.CreateMany(
        [
            new CreateIndexModel<MediaDocument>(index.Ascending(m => m.ConversationId).Ascending(m => m.Id), new CreateIndexOptions { Name = "by_conversation" }),
            new CreateIndexModel<MediaDocument>(index.Ascending(m => m.BlobKey), new CreateIndexOptions { Name = "by_blob" }),
            new CreateIndexModel<MediaDocument>(index.Ascending(m => m.ThumbnailKey), new CreateIndexOptions { Name = "by_thumbnail", Sparse = true }),
            new CreateIndexModel<MediaDocument>(index.Ascending(m => m.AttachedAt).Ascending(m => m.CreatedAt), new CreateIndexOptions { Name = "by_attached_age" }),
        ]);
        // Media stored before references were kept was visible to every member: it stays so, and is never swept.
        _media.UpdateMany(Filter.Exists(m => m.AttachedAt, false),
            new PipelineUpdateDefinition<MediaDocument>(new[] { new BsonDocument("$set", new BsonDocument("attachedAt", "$createdAt")) }));
        _references.Indexes.CreateOne(new CreateIndexModel<ReferenceDocument>(
            Builders<ReferenceDocument>.IndexKeys.Ascending(r => r.MediaId).Ascending(r => r.Released), new CreateIndexOptions { Name = "by_media" }));
    }

    public async Task<MediaItem> AddAsync(NewMedia media, CancellationToken cancellationToken)
    {
        var document = new MediaDocument
        {
            ConversationId = media.ConversationId,
            UploaderId = media.UploaderId,
            BlobKey = media.BlobKey,
            ContentType = media.ContentType,
            Size = media.Size,
            FileName = media.FileName,
            Width = media.Width,
            Height = media.Height,
            ThumbnailKey = media.ThumbnailKey,
            CreatedAt = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        for (var attempt = 1; ; attempt++)
        {
            document.Id = MediaIds.Next();
            try
            {
                await _media.InsertOneAsync(document, cancellationToken: cancellationToken);
                return document.ToItem();
            }
            catch (MongoException e) when (e.IsDuplicateKey() && attempt < MediaIds.MaxAttempts)
            {
                // The random id drawn is taken; draw again.
            }
        }
    }

    public async Task<MediaItem?> FindAsync(long id, CancellationToken cancellationToken) =>
        (await _media.Find(m => m.Id == id).FirstOrDefaultAsync(cancellationToken))?.ToItem();

    public async Task<MediaRemoval> ApplyReferencesAsync(IReadOnlyCollection<MediaReferenceChange> changes, CancellationToken cancellationToken)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync(async (s, ct) =>
        {
            var released = new HashSet<long>();
            foreach (var change in changes)
            {
                var key = ReferenceDocument.KeyOf(change);
                if (change.Attached)
                {
                    // Only a reference to media of the same conversation counts; one released before stays released.
                    if (!await _media.Find(s, Filter.Eq(m => m.Id, change.MediaId) & Filter.Eq(m => m.ConversationId, change.ConversationId)).AnyAsync(ct))
                    {
                        continue;
                    }
                    var added = await _references.UpdateOneAsync(s, ReferenceFilter.Eq(r => r.Id, key),
                        Builders<ReferenceDocument>.Update.SetOnInsert(r => r.MediaId, change.MediaId).SetOnInsert(r => r.Released, false),
                        new UpdateOptions { IsUpsert = true }, ct);
                    if (added.UpsertedId is not null)
                    {
                        await _media.UpdateOneAsync(s, Filter.Eq(m => m.Id, change.MediaId) & Filter.Eq(m => m.AttachedAt, null),
                            Builders<MediaDocument>.Update.Set(m => m.AttachedAt, nowMs), cancellationToken: ct);
                    }
                }
                else
                {
                    await _references.UpdateOneAsync(s, ReferenceFilter.Eq(r => r.Id, key),
                        Builders<ReferenceDocument>.Update.SetOnInsert(r => r.MediaId, change.MediaId).Set(r => r.Released, true),
                        new UpdateOptions { IsUpsert = true }, ct);
                    released.Add(change.MediaId);
                }
            }
            var orphans = new List<long>();
            foreach (var mediaId in released)
            {
                if (!await _references.Find(s, ReferenceFilter.Eq(r => r.MediaId, mediaId) & ReferenceFilter.Eq(r => r.Released, false)).AnyAsync(ct))
                {
                    orphans.Add(mediaId);
                }
            }
            return await DeleteDocumentsAsync(s, orphans, ct);
        }, cancellationToken: cancellationToken);
    }

    public async Task<UploadDeletion> DeleteUnattachedAsync(long id, long uploaderId, CancellationToken cancellationToken)
    {
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync(async (s, ct) =>
        {
            var media = await _media.Find(s, Filter.Eq(m => m.Id, id)).FirstOrDefaultAsync(ct);
            if (media is null || media.UploaderId != uploaderId)
            {
                return new UploadDeletion(UploadDeletionStatus.NotFound, MediaRemoval.None);
            }
            if (media.AttachedAt is not null)
            {
                return new UploadDeletion(UploadDeletionStatus.Attached, MediaRemoval.None);
            }
            return new UploadDeletion(UploadDeletionStatus.Deleted, await DeleteDocumentsAsync(s, [id], ct));
        }, cancellationToken: cancellationToken);
    }

    public async Task<MediaRemoval> RemoveUnattachedAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken)
    {
        var cutoffMs = createdBefore.ToUnixTimeMilliseconds();
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync(async (s, ct) =>
        {
            var ids = await _media.Find(s, Filter.Eq(m => m.AttachedAt, null) & Filter.Lt(m => m.CreatedAt, cutoffMs))
                .Limit(limit)
                .Project(m => m.Id)
                .ToListAsync(ct);
            return await DeleteDocumentsAsync(s, ids, ct);
        }, cancellationToken: cancellationToken);
    }

    /// <summary>Deletes the media documents and their references; answers the blob keys no remaining document points at.</summary>
    private async Task<MediaRemoval> DeleteDocumentsAsync(IClientSessionHandle session, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        var removed = 0;
        var candidates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids.Distinct())
        {
            await _references.DeleteManyAsync(session, ReferenceFilter.Eq(r => r.MediaId, id), cancellationToken: cancellationToken);
            if (await _media.FindOneAndDeleteAsync(session, Filter.Eq(m => m.Id, id), cancellationToken: cancellationToken) is { } deleted)
            {
                removed++;
                candidates.Add(deleted.BlobKey);
                if (deleted.ThumbnailKey is { } thumbnail)
                {
                    candidates.Add(thumbnail);
                }
            }
        }
        var unreferenced = new List<string>();
        foreach (var key in candidates)
        {
            var stillUsed = await _media.Find(session, Filter.Eq(m => m.BlobKey, key) | Filter.Eq(m => m.ThumbnailKey, key)).Limit(1).AnyAsync(cancellationToken);
            if (!stillUsed)
            {
                unreferenced.Add(key);
            }
        }
        return new MediaRemoval(removed, unreferenced);
    }

    /// <summary>One message's reference to a media item, keyed "media:conversation:seq"; a released one is kept until the media goes.</summary>
    public sealed class ReferenceDocument
    {
        [BsonId]
        public string Id { get; set; } = "";

        [BsonElement("mediaId")]
        public long MediaId { get; set; }

        [BsonElement("released")]
        public bool Released { get; set; }

        public static string KeyOf(MediaReferenceChange change) =>
            string.Create(CultureInfo.InvariantCulture, $"{change.MediaId}:{change.ConversationId}:{change.Seq}");
    }

    public sealed class MediaDocument
    {
        [BsonId]
        public long Id { get; set; }

        [BsonElement("conversationId")]
        public long ConversationId { get; set; }

        [BsonElement("uploaderId")]
        public long UploaderId { get; set; }

        [BsonElement("blobKey")]
        public string BlobKey { get; set; } = "";

        [BsonElement("contentType")]
        public string ContentType { get; set; } = "";

        [BsonElement("size")]
        public long Size { get; set; }

        [BsonElement("fileName")]
        public string FileName { get; set; } = "";

        [BsonElement("width")]
        [BsonIgnoreIfNull]
        public int? Width { get; set; }

        [BsonElement("height")]
        [BsonIgnoreIfNull]
        public int? Height { get; set; }

        /// <summary>Absent, not null, without a thumbnail, so the sparse index holds only media that has one.</summary>
        [BsonElement("thumbnailKey")]
        [BsonIgnoreIfNull]
        public string? ThumbnailKey { get; set; }

        [BsonElement("createdAt")]
        public long CreatedAt { get; set; }

        /// <summary>When a message first took it; null (stored as null, so the sweeper's index finds it) while unsent.</summary>
        [BsonElement("attachedAt")]
        public long? AttachedAt { get; set; }

        public MediaItem ToItem() => new(Id, ConversationId, UploaderId, BlobKey, ContentType, Size, FileName, Width, Height, ThumbnailKey,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), AttachedAt is not null);
    }
}
