using System.Text.RegularExpressions;
using Chat.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Chat.Identity.Users;

/// <summary>
/// Users as documents. Case-insensitive uniqueness and prefix search use lower-cased copies of the username and display
/// name, so the unique index and the anchored prefix regex both use an ordinary index.
/// </summary>
public sealed class MongoUserStore : IUserStore
{
    public const string CollectionName = "users";

    private readonly IMongoCollection<UserDocument> _users;
    private readonly MongoIdSequences _ids;
    private readonly TimeProvider _time;

    public MongoUserStore(IMongoDatabase database, MongoIdSequences ids, TimeProvider time)
    {
        _users = database.GetCollection<UserDocument>(CollectionName);
        _ids = ids;
        _time = time;
        var index = Builders<UserDocument>.IndexKeys;
        _users.Indexes.CreateMany(
        [
            new CreateIndexModel<UserDocument>(index.Ascending(u => u.UsernameKey), new CreateIndexOptions { Unique = true, Name = "username_unique" }),
            new CreateIndexModel<UserDocument>(index.Ascending(u => u.DisplayNameKey), new CreateIndexOptions { Name = "display_name" }),
        ]);
    }

    public async Task<User?> CreateAsync(string username, string displayName, string passwordHash, CancellationToken cancellationToken)
    {
        username = AccountRules.NormalizeUsername(username);
        var user = new UserDocument
        {
            Id = await _ids.NextAsync(CollectionName, cancellationToken),
            Username = username,
            UsernameKey = AccountRules.UsernameKey(username),
            DisplayName = displayName,
            DisplayNameKey = Key(displayName),
            PasswordHash = passwordHash,
            CreatedAt = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        try
        {
            await _users.InsertOneAsync(user, cancellationToken: cancellationToken);
            return user.ToUser();
        }
        catch (MongoWriteException e) when (e.IsDuplicateKey())
        {
            return null;
        }
    }

    public async Task<User?> FindByIdAsync(long id, CancellationToken cancellationToken) =>
        (await _users.Find(u => u.Id == id).FirstOrDefaultAsync(cancellationToken))?.ToUser();

    public async Task<UserCredentials?> FindCredentialsAsync(string username, CancellationToken cancellationToken)
    {
        var key = AccountRules.UsernameKey(username);
        return (await _users.Find(u => u.UsernameKey == key).FirstOrDefaultAsync(cancellationToken))?.ToCredentials();
    }

    public async Task<UserCredentials?> FindCredentialsByIdAsync(long id, CancellationToken cancellationToken) =>
        (await _users.Find(u => u.Id == id).FirstOrDefaultAsync(cancellationToken))?.ToCredentials();

    public async Task<IReadOnlyList<User>> SearchAsync(string prefix, long afterId, int limit, CancellationToken cancellationToken)
    {
        // Regex.Escape makes every character of the user's prefix literal; the ^ anchor lets the server use the index.
        var usernamePattern = new BsonRegularExpression("^" + Regex.Escape(AccountRules.UsernameKey(prefix)));
        var pattern = new BsonRegularExpression("^" + Regex.Escape(Key(prefix)));
        var filter = Builders<UserDocument>.Filter;
        var found = await _users
            .Find(filter.And(
                filter.Or(filter.Regex(u => u.UsernameKey, usernamePattern), filter.Regex(u => u.DisplayNameKey, pattern)),
                filter.Gt(u => u.Id, afterId)))
            .SortBy(u => u.Id)
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return found.ConvertAll(u => u.ToUser());
    }

    public async Task<User?> UpdateDisplayNameAsync(long id, string displayName, CancellationToken cancellationToken)
    {
        var updated = await _users.FindOneAndUpdateAsync(
            Builders<UserDocument>.Filter.Eq(u => u.Id, id),
            Builders<UserDocument>.Update.Set(u => u.DisplayName, displayName).Set(u => u.DisplayNameKey, Key(displayName)),
            new FindOneAndUpdateOptions<UserDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return updated?.ToUser();
    }

    public async Task<string?> FindGroupAddsAsync(long id, CancellationToken cancellationToken) =>
        (await _users.Find(u => u.Id == id).FirstOrDefaultAsync(cancellationToken))?.GroupAdds;

    public async Task<bool> UpdateGroupAddsAsync(long id, string groupAdds, CancellationToken cancellationToken)
    {
        var result = await _users.UpdateOneAsync(
            Builders<UserDocument>.Filter.Eq(u => u.Id, id),
            Builders<UserDocument>.Update.Set(u => u.GroupAdds, groupAdds),
            cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<bool> UpdatePasswordHashAsync(long id, string passwordHash, CancellationToken cancellationToken)
    {
        var result = await _users.UpdateOneAsync(
            Builders<UserDocument>.Filter.Eq(u => u.Id, id),
            Builders<UserDocument>.Update.Set(u => u.PasswordHash, passwordHash),
            cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    /// <summary>The display name's comparison form for prefix search; usernames use <see cref="AccountRules.UsernameKey"/>.</summary>
    private static string Key(string value) => value.ToLowerInvariant();

    public sealed class UserDocument
    {
        [BsonId]
        public long Id { get; set; }

        [BsonElement("username")]
        public string Username { get; set; } = "";

        [BsonElement("usernameKey")]
        public string UsernameKey { get; set; } = "";

        [BsonElement("displayName")]
        public string DisplayName { get; set; } = "";

        [BsonElement("displayNameKey")]
        public string DisplayNameKey { get; set; } = "";

        [BsonElement("passwordHash")]
        public string PasswordHash { get; set; } = "";

        /// <summary>Absent on documents written before the setting existed, which then read as the default.</summary>
        [BsonElement("groupAdds")]
        public string GroupAdds { get; set; } = Chat.Identity.Users.GroupAdds.Everyone;

        [BsonElement("createdAt")]
        public long CreatedAt { get; set; }

        public User ToUser() => new(Id, Username, DisplayName);

        public UserCredentials ToCredentials() => new(ToUser(), PasswordHash);
    }
}
