using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Chat.Identity.Tokens;

/// <summary>
/// Refresh tokens as documents keyed by their hash. A rotation runs in a transaction (a replica set is required):
/// two concurrent uses of one token both write its document, so one of them hits a write conflict, is retried by
/// <see cref="IClientSessionHandle"/>'s WithTransactionAsync, and then sees the token already replaced (reuse).
/// </summary>
public sealed class MongoRefreshTokenStore : IRefreshTokenStore
{
    public const string CollectionName = "refreshTokens";

    private readonly IMongoClient _client;
    private readonly IMongoCollection<RefreshTokenDocument> _tokens;
    private readonly TimeProvider _time;

    public MongoRefreshTokenStore(IMongoClient client, IMongoDatabase database, TimeProvider time)
    {
        _client = client;
        _tokens = database.GetCollection<RefreshTokenDocument>(CollectionName);
        _time = time;
        var index = Builders<RefreshTokenDocument>.IndexKeys;
        _tokens.Indexes.CreateMany(
        [
            new CreateIndexModel<RefreshTokenDocument>(index.Ascending(t => t.FamilyId), new CreateIndexOptions { Name = "family" }),
            new CreateIndexModel<RefreshTokenDocument>(index.Ascending(t => t.UserId), new CreateIndexOptions { Name = "user" }),
            // The revocation feed reads families by when they were revoked.
            new CreateIndexModel<RefreshTokenDocument>(index.Ascending(t => t.RevokedAt), new CreateIndexOptions { Name = "revoked", Sparse = true }),
        ]);
    }

    public Task CreateAsync(byte[] tokenHash, long userId, string familyId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        _tokens.InsertOneAsync(NewToken(tokenHash, familyId, userId, _time.GetUtcNow().ToUnixTimeMilliseconds(), expiresAt), cancellationToken: cancellationToken);

    public async Task<RefreshResult> RotateAsync(byte[] presentedHash, RefreshSuccessor next, TimeSpan reuseGrace, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync(async (s, ct) =>
        {
            var token = await _tokens.Find(s, Builders<RefreshTokenDocument>.Filter.Eq(t => t.Hash, presentedHash)).FirstOrDefaultAsync(ct);
            if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now)
            {
                return new RefreshResult(RefreshOutcome.Invalid);
            }
            if (token.ReplacedBy is not null)
            {
                if (token.ReplacedAt is { } at && now - at < (long)reuseGrace.TotalMilliseconds && token.SuccessorSalt is not null)
                {
                    var successor = await _tokens.Find(s, Builders<RefreshTokenDocument>.Filter.Eq(t => t.Hash, token.ReplacedBy)).FirstOrDefaultAsync(ct);
                    if (successor is { ReplacedBy: null, RevokedAt: null } && successor.ExpiresAt > now)
                    {
                        return new RefreshResult(RefreshOutcome.Rotated, token.UserId, token.FamilyId, token.SuccessorSalt,
                            DateTimeOffset.FromUnixTimeMilliseconds(successor.ExpiresAt));
                    }
                }
                await RevokeFamilyAsync(s, token.FamilyId, now, ct);
                return new RefreshResult(RefreshOutcome.Reused, token.UserId, token.FamilyId);
            }

            // Conditional on still being current, so the write itself, not only the read above, decides who rotates.
            var replaced = await _tokens.UpdateOneAsync(s,
                Builders<RefreshTokenDocument>.Filter.Eq(t => t.Hash, presentedHash)
                    & Builders<RefreshTokenDocument>.Filter.Eq(t => t.ReplacedBy, null)
                    & Builders<RefreshTokenDocument>.Filter.Eq(t => t.RevokedAt, null),
                Builders<RefreshTokenDocument>.Update
                    .Set(t => t.ReplacedBy, next.Hash)
                    .Set(t => t.ReplacedAt, now)
                    .Set(t => t.SuccessorSalt, next.Salt),
                cancellationToken: ct);
            if (replaced.ModifiedCount == 0)
            {
                await RevokeFamilyAsync(s, token.FamilyId, now, ct);
                return new RefreshResult(RefreshOutcome.Reused, token.UserId, token.FamilyId);
            }
            await _tokens.InsertOneAsync(s, NewToken(next.Hash, token.FamilyId, token.UserId, now, next.ExpiresAt), cancellationToken: ct);
            return new RefreshResult(RefreshOutcome.Rotated, token.UserId, token.FamilyId, next.Salt, next.ExpiresAt);
        }, cancellationToken: cancellationToken);
    }

    public async Task RevokeFamilyAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        var token = await _tokens.Find(Builders<RefreshTokenDocument>.Filter.Eq(t => t.Hash, tokenHash)).FirstOrDefaultAsync(cancellationToken);
        if (token is not null)
        {
            await _tokens.UpdateManyAsync(
                Builders<RefreshTokenDocument>.Filter.Where(t => t.FamilyId == token.FamilyId && t.RevokedAt == null),
                Builders<RefreshTokenDocument>.Update.Set(t => t.RevokedAt, _time.GetUtcNow().ToUnixTimeMilliseconds()),
                cancellationToken: cancellationToken);
        }
    }

    public async Task RevokeUserAsync(long userId, string? keepFamilyId, CancellationToken cancellationToken)
    {
        var filter = Builders<RefreshTokenDocument>.Filter;
        var match = filter.Where(t => t.UserId == userId && t.RevokedAt == null);
        if (keepFamilyId is not null)
        {
            match &= filter.Ne(t => t.FamilyId, keepFamilyId);
        }
        await _tokens.UpdateManyAsync(match,
            Builders<RefreshTokenDocument>.Update.Set(t => t.RevokedAt, _time.GetUtcNow().ToUnixTimeMilliseconds()),
            cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<SessionRevocation>> ListRevokedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var tokens = await _tokens
            .Find(Builders<RefreshTokenDocument>.Filter.Gte(t => t.RevokedAt, since.ToUnixTimeMilliseconds()))
            .Project(t => new { t.FamilyId, t.RevokedAt })
            .ToListAsync(cancellationToken);
        return tokens
            .GroupBy(t => t.FamilyId)
            .Select(family => new SessionRevocation(family.Key, DateTimeOffset.FromUnixTimeMilliseconds(family.Max(t => t.RevokedAt!.Value))))
            .ToList();
    }

    private Task RevokeFamilyAsync(IClientSessionHandle session, string familyId, long now, CancellationToken cancellationToken) =>
        _tokens.UpdateManyAsync(session,
            Builders<RefreshTokenDocument>.Filter.Where(t => t.FamilyId == familyId && t.RevokedAt == null),
            Builders<RefreshTokenDocument>.Update.Set(t => t.RevokedAt, now),
            cancellationToken: cancellationToken);

    private static RefreshTokenDocument NewToken(byte[] hash, string familyId, long userId, long now, DateTimeOffset expiresAt) => new()
    {
        Hash = hash,
        FamilyId = familyId,
        UserId = userId,
        CreatedAt = now,
        ExpiresAt = expiresAt.ToUnixTimeMilliseconds(),
    };

    public sealed class RefreshTokenDocument
    {
        [BsonId]
        public byte[] Hash { get; set; } = [];

        [BsonElement("familyId")]
        public string FamilyId { get; set; } = "";

        [BsonElement("userId")]
        public long UserId { get; set; }

        [BsonElement("createdAt")]
        public long CreatedAt { get; set; }

        [BsonElement("expiresAt")]
        public long ExpiresAt { get; set; }

        [BsonElement("replacedBy")]
        public byte[]? ReplacedBy { get; set; }

        [BsonElement("revokedAt")]
        public long? RevokedAt { get; set; }

        [BsonElement("replacedAt")]
        public long? ReplacedAt { get; set; }

        [BsonElement("successorSalt")]
        public byte[]? SuccessorSalt { get; set; }
    }
}
