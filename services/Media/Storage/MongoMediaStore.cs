using Chat.Mongo;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Chat.Media.Storage;

/// <summary>Media metadata on MongoDB; behaves as <see cref="SqliteMediaStore"/>, proven by the same contract suite.</summary>
public sealed class MongoMediaStore : IMediaStore
{
    public const string CollectionName = "media";

    private static readonly FilterDefinitionBuilder<MediaDocument> Filter = Builders<MediaDocument>.Filter;

    private readonly IMongoClient _client;
    private readonly IMongoCollection<MediaDocument> _media;
    private readonly MongoIdSequences _ids;
    private readonly TimeProvider _time;

    public MongoMediaStore(IMongoClient client, IMongoDatabase database, MongoIdSequences ids, TimeProvider time)
    {
        _client = client;
        _media = database.GetCollection<MediaDocument>(CollectionName);
        _ids = ids;
        _time = time;
        var index = Builders<MediaDocument>.IndexKeys;
        _media.Indexes.CreateMany(
        [
            new CreateIndexModel<MediaDocument>(index.Ascending(m => m.ConversationId).Ascending(m => m.Id), new CreateIndexOptions { Name = "by_conversation" }),
            new CreateIndexModel<MediaDocument>(index.Ascending(m => m.BlobKey), new CreateIndexOptions { Name = "by_blob" }),
            new CreateIndexModel<MediaDocument>(index.Ascending(m => m.ThumbnailKey), new CreateIndexOptions { Name = "by_thumbnail", Sparse = true }),
        ]);
    }

    public async Task<MediaItem> AddAsync(NewMedia media, CancellationToken cancellationToken)
    {
        var document = new MediaDocument
        {
            Id = await _ids.NextAsync(CollectionName, cancellationToken),
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
        await _media.InsertOneAsync(document, cancellationToken: cancellationToken);
        return document.ToItem();
    }

    public async Task<MediaItem?> FindAsync(long id, CancellationToken cancellationToken) =>
        (await _media.Find(m => m.Id == id).FirstOrDefaultAsync(cancellationToken))?.ToItem();

    public async Task<(int Released, IReadOnlyList<string> UnreferencedBlobKeys)> ReleaseAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync<(int, IReadOnlyList<string>)>(async (s, ct) =>
        {
            var released = 0;
            var candidates = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in ids.Distinct())
            {
                if (await _media.FindOneAndDeleteAsync(s, Filter.Eq(m => m.Id, id), cancellationToken: ct) is { } deleted)
                {
                    released++;
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
                var stillUsed = await _media.Find(s, Filter.Eq(m => m.BlobKey, key) | Filter.Eq(m => m.ThumbnailKey, key)).Limit(1).AnyAsync(ct);
                if (!stillUsed)
                {
                    unreferenced.Add(key);
                }
            }
            return (released, unreferenced);
        }, cancellationToken: cancellationToken);
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

        public MediaItem ToItem() => new(Id, ConversationId, UploaderId, BlobKey, ContentType, Size, FileName, Width, Height, ThumbnailKey,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt));
    }
}
