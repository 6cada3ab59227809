using System.Runtime.CompilerServices;
using Chat.Mongo;
using MongoDB.Driver;

namespace Chat.Identity.Users;

/// <summary>Identity's archive on MongoDB: the <c>users</c> and <c>blocks</c> collections the stores use.</summary>
public sealed class MongoIdentityArchive : IIdentityArchive
{
    private readonly IMongoDatabase _database;
    private readonly IMongoCollection<MongoUserStore.UserDocument> _users;
    private readonly IMongoCollection<MongoBlockStore.BlockDocument> _blocks;

    public MongoIdentityArchive(IMongoDatabase database)
    {
        _database = database;
        // The stores own the indexes (unique usernames, a user's blocks): constructing them creates those.
        _ = new MongoUserStore(database, new MongoIdSequences(database), TimeProvider.System);
        _ = new MongoBlockStore(database, TimeProvider.System);
        _users = database.GetCollection<MongoUserStore.UserDocument>(MongoUserStore.CollectionName);
        _blocks = database.GetCollection<MongoBlockStore.BlockDocument>(MongoBlockStore.CollectionName);
    }

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken) =>
        !await _users.Find(FilterDefinition<MongoUserStore.UserDocument>.Empty).AnyAsync(cancellationToken)
        && !await _blocks.Find(FilterDefinition<MongoBlockStore.BlockDocument>.Empty).AnyAsync(cancellationToken);

    public async IAsyncEnumerable<ArchivedUser> ReadUsersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cursor = await _users.Find(FilterDefinition<MongoUserStore.UserDocument>.Empty).SortBy(u => u.Id).ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var user in cursor.Current)
            {
                yield return new ArchivedUser(user.Id, user.Username, user.DisplayName, user.PasswordHash, user.GroupAdds, user.CreatedAt);
            }
        }
    }

    public async IAsyncEnumerable<ArchivedBlock> ReadBlocksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cursor = await _blocks.Find(FilterDefinition<MongoBlockStore.BlockDocument>.Empty)
            .SortBy(b => b.BlockerId).ThenBy(b => b.BlockedId).ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var block in cursor.Current)
            {
                yield return new ArchivedBlock(block.BlockerId, block.BlockedId, block.CreatedAt);
            }
        }
    }

    public async Task WriteUsersAsync(IReadOnlyList<ArchivedUser> users, CancellationToken cancellationToken)
    {
        if (users.Count == 0)
        {
            return;
        }
        await _users.InsertManyAsync(users.Select(user => new MongoUserStore.UserDocument
        {
            Id = user.Id,
            Username = user.Username,
            UsernameKey = AccountRules.UsernameKey(user.Username),
            DisplayName = user.DisplayName,
            // The store's display-name key is its lower-cased form (MongoUserStore.Key).
            DisplayNameKey = user.DisplayName.ToLowerInvariant(),
            PasswordHash = user.PasswordHash,
            GroupAdds = user.GroupAdds,
            CreatedAt = user.CreatedAt,
        }), cancellationToken: cancellationToken);
    }

    public async Task WriteBlocksAsync(IReadOnlyList<ArchivedBlock> blocks, CancellationToken cancellationToken)
    {
        if (blocks.Count == 0)
        {
            return;
        }
        // Upserts: a deployment whose services share one database shares this collection with Messaging's block copy.
        await _blocks.BulkWriteAsync(blocks.Select(block => new UpdateOneModel<MongoBlockStore.BlockDocument>(
            Builders<MongoBlockStore.BlockDocument>.Filter.Eq(b => b.Id, $"{block.BlockerId}:{block.BlockedId}"),
            Builders<MongoBlockStore.BlockDocument>.Update
                .Set(b => b.BlockerId, block.BlockerId)
                .Set(b => b.BlockedId, block.BlockedId)
                .Set(b => b.CreatedAt, block.CreatedAt)) { IsUpsert = true }), cancellationToken: cancellationToken);
    }

    public async Task CompleteImportAsync(CancellationToken cancellationToken)
    {
        var highest = await _users.Find(FilterDefinition<MongoUserStore.UserDocument>.Empty).SortByDescending(u => u.Id).Limit(1)
            .FirstOrDefaultAsync(cancellationToken);
        if (highest is not null)
        {
            // The store draws user ids from the "users" counter: it must continue above the imported ids.
            await _database.GetCollection<MongoIdSequences.SequenceDocument>(MongoIdSequences.CollectionName).UpdateOneAsync(
                Builders<MongoIdSequences.SequenceDocument>.Filter.Eq(s => s.Name, MongoUserStore.CollectionName),
                Builders<MongoIdSequences.SequenceDocument>.Update.Max(s => s.Value, highest.Id),
                new UpdateOptions { IsUpsert = true }, cancellationToken);
        }
    }
}
