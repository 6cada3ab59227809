using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Chat.Identity.Users;

/// <summary>Blocks as documents keyed by the pair; behaves as <see cref="SqliteBlockStore"/>.</summary>
public sealed class MongoBlockStore : IBlockStore
{
    public const string CollectionName = "blocks";

    private static readonly FilterDefinitionBuilder<BlockDocument> Filter = Builders<BlockDocument>.Filter;

    private readonly IMongoCollection<BlockDocument> _blocks;
    private readonly TimeProvider _time;

    public MongoBlockStore(IMongoDatabase database, TimeProvider time)
    {
        _blocks = database.GetCollection<BlockDocument>(CollectionName);
        _time = time;
        _blocks.Indexes.CreateOne(new CreateIndexModel<BlockDocument>(
            Builders<BlockDocument>.IndexKeys.Ascending(b => b.BlockerId).Ascending(b => b.CreatedAt), new CreateIndexOptions { Name = "by_blocker" }));
    }

    public async Task<bool> IsBlockedAsync(long blockerId, long blockedId, CancellationToken cancellationToken) =>
        await _blocks.Find(Filter.Eq(b => b.Id, Key(blockerId, blockedId))).AnyAsync(cancellationToken);

    public async Task AddAsync(long blockerId, long blockedId, CancellationToken cancellationToken) =>
        // $setOnInsert keeps the first block's time when the block is repeated.
        await _blocks.UpdateOneAsync(
            Filter.Eq(b => b.Id, Key(blockerId, blockedId)),
            Builders<BlockDocument>.Update
                .SetOnInsert(b => b.BlockerId, blockerId)
                .SetOnInsert(b => b.BlockedId, blockedId)
                .SetOnInsert(b => b.CreatedAt, _time.GetUtcNow().ToUnixTimeMilliseconds()),
            new UpdateOptions { IsUpsert = true },
            cancellationToken);

    public async Task RemoveAsync(long blockerId, long blockedId, CancellationToken cancellationToken) =>
        await _blocks.DeleteOneAsync(Filter.Eq(b => b.Id, Key(blockerId, blockedId)), cancellationToken);

    public async Task<IReadOnlyList<long>> ListAsync(long blockerId, CancellationToken cancellationToken)
    {
        var found = await _blocks.Find(Filter.Eq(b => b.BlockerId, blockerId))
            .SortBy(b => b.CreatedAt).ThenBy(b => b.BlockedId)
            .ToListAsync(cancellationToken);
        return found.ConvertAll(b => b.BlockedId);
    }

    private static string Key(long blockerId, long blockedId) => $"{blockerId}:{blockedId}";

    public sealed class BlockDocument
    {
        [BsonId]
        public string Id { get; set; } = "";

        [BsonElement("blockerId")]
        public long BlockerId { get; set; }

        [BsonElement("blockedId")]
        public long BlockedId { get; set; }

        [BsonElement("createdAt")]
        public long CreatedAt { get; set; }
    }
}
