using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Chat.Messaging.Storage;

/// <summary>
/// Blocks on MongoDB, one document per (blocker, blocked) whose id is that pair, so the send path's check is two
/// lookups by _id; behaves as <see cref="SqliteBlockStore"/>.
/// </summary>
public sealed class MongoBlockStore : IBlockStore
{
    public const string CollectionName = "blocks";

    private static readonly FilterDefinitionBuilder<BlockDocument> Filter = Builders<BlockDocument>.Filter;

    private readonly IMongoCollection<BlockDocument> _blocks;

    public MongoBlockStore(MongoMessagingDatabase database)
    {
        _blocks = Collection(database);
        _blocks.Indexes.CreateOne(new CreateIndexModel<BlockDocument>(
            Builders<BlockDocument>.IndexKeys.Ascending(b => b.BlockedId), new CreateIndexOptions { Name = "by_blocked" }));
    }

    /// <summary>The collection, for the message store's check inside its append transaction.</summary>
    public static IMongoCollection<BlockDocument> Collection(MongoMessagingDatabase database) =>
        database.Conversations.Database.GetCollection<BlockDocument>(CollectionName);

    public static string Key(long blockerId, long blockedId) => $"{blockerId}:{blockedId}";

    /// <summary>Either of the two blocked the other.</summary>
    public static FilterDefinition<BlockDocument> EitherWay(long userId, long otherUserId) =>
        Filter.In(b => b.Id, [Key(userId, otherUserId), Key(otherUserId, userId)]);

    public async Task SetAsync(long blockerId, long blockedId, bool blocked, CancellationToken cancellationToken)
    {
        var key = Key(blockerId, blockedId);
        if (blocked)
        {
            await _blocks.ReplaceOneAsync(Filter.Eq(b => b.Id, key),
                new BlockDocument { Id = key, BlockerId = blockerId, BlockedId = blockedId },
                new ReplaceOptions { IsUpsert = true }, cancellationToken);
        }
        else
        {
            await _blocks.DeleteOneAsync(Filter.Eq(b => b.Id, key), cancellationToken);
        }
    }

    public async Task<bool> EitherBlockedAsync(long userId, long otherUserId, CancellationToken cancellationToken) =>
        await _blocks.Find(EitherWay(userId, otherUserId)).AnyAsync(cancellationToken);

    public async Task<IReadOnlySet<long>> WhoBlockedAsync(long blockedId, IReadOnlyCollection<long> userIds, CancellationToken cancellationToken)
    {
        var keys = userIds.Select(id => Key(id, blockedId)).ToList();
        var found = await _blocks.Find(Filter.In(b => b.Id, keys)).ToListAsync(cancellationToken);
        return found.Select(b => b.BlockerId).ToHashSet();
    }

    public async Task<IReadOnlySet<long>> BlockedEitherWayAsync(long userId, CancellationToken cancellationToken)
    {
        // The ids start with the blocker, so an anchored prefix finds the user's own blocks on the _id index.
        var found = await _blocks.Find(Filter.Regex(b => b.Id, new BsonRegularExpression($"^{userId}:")) | Filter.Eq(b => b.BlockedId, userId))
            .ToListAsync(cancellationToken);
        return found.Select(b => b.BlockerId == userId ? b.BlockedId : b.BlockerId).ToHashSet();
    }

    public sealed class BlockDocument
    {
        [BsonId]
        public string Id { get; set; } = "";

        [BsonElement("blockerId")]
        public long BlockerId { get; set; }

        [BsonElement("blockedId")]
        public long BlockedId { get; set; }
    }
}
