using Chat.Mongo;
using Chat.Sqlite;
using Chat.Testing;
using Chat.Identity.Users;

namespace Chat.Identity.Tests;

/// <summary>What every <see cref="IUserStore"/> must do; a MongoDB store derives from this too.</summary>
public abstract class UserStoreContractTests
{
    protected abstract IUserStore CreateStore();

    [ContractFact]
    public async Task ACreatedUserIsFoundByIdAndByUsernameInAnyCase()
    {
        var store = CreateStore();

        var created = await store.CreateAsync("Mixed.Case", "Mixed", "hash", CancellationToken.None);

        Assert.NotNull(created);
        Assert.Equal(created, await store.FindByIdAsync(created.Id, CancellationToken.None));
        var credentials = await store.FindCredentialsAsync("mixed.case", CancellationToken.None);
        Assert.Equal(created, credentials?.User);
        Assert.Equal("hash", credentials?.PasswordHash);
    }

    [ContractFact]
    public async Task CreatingATakenUsernameReturnsNull()
    {
        var store = CreateStore();
        await store.CreateAsync("taken", "First", "hash", CancellationToken.None);

        Assert.Null(await store.CreateAsync("TAKEN", "Second", "hash", CancellationToken.None));
    }

    [ContractFact]
    public async Task AUsernameDifferingOnlyByACompatibilityCharacterIsTakenAndEitherSpellingFindsIt()
    {
        var store = CreateStore();
        var kim = (await store.CreateAsync("kim", "Kim", "hash", CancellationToken.None))!;

        // U+212A KELVIN SIGN looks like K and is K under NFKC.
        Assert.Null(await store.CreateAsync("\u212Aim", "Kelvin", "hash", CancellationToken.None));
        Assert.Equal(kim, (await store.FindCredentialsAsync("\u212Aim", CancellationToken.None))?.User);
        Assert.Equal(kim, (await store.FindCredentialsAsync("KIM", CancellationToken.None))?.User);
    }

    [ContractFact]
    public async Task AUsernameIsStoredInItsNormalFormAndFoundByThePlainSpelling()
    {
        var store = CreateStore();

        var created = await store.CreateAsync("\u212Aelvin", "K", "hash", CancellationToken.None);

        Assert.Equal("Kelvin", created?.Username);
        Assert.Equal(created, (await store.FindCredentialsAsync("kelvin", CancellationToken.None))?.User);
        Assert.Null(await store.CreateAsync("KELVIN", "K", "hash", CancellationToken.None));
    }

    [ContractFact]
    public async Task GroupAddsStartAsEveryoneAndKeepTheirChange()
    {
        var store = CreateStore();
        var created = (await store.CreateAsync("private.person", "P", "hash", CancellationToken.None))!;

        Assert.Equal("everyone", await store.FindGroupAddsAsync(created.Id, CancellationToken.None));
        Assert.True(await store.UpdateGroupAddsAsync(created.Id, "nobody", CancellationToken.None));
        Assert.Equal("nobody", await store.FindGroupAddsAsync(created.Id, CancellationToken.None));
        Assert.False(await store.UpdateGroupAddsAsync(created.Id + 1000, "nobody", CancellationToken.None));
        Assert.Null(await store.FindGroupAddsAsync(created.Id + 1000, CancellationToken.None));
    }

    [ContractFact]
    public async Task SearchTreatsWildcardCharactersLiterally()
    {
        var store = CreateStore();
        await store.CreateAsync("a_b", "x", "hash", CancellationToken.None);
        await store.CreateAsync("axb", "y", "hash", CancellationToken.None);

        var found = await store.SearchAsync("a_", 0, 10, CancellationToken.None);

        Assert.Equal(["a_b"], found.Select(u => u.Username));
    }

    [ContractFact]
    public async Task SearchPagesAfterTheLastIdSeen()
    {
        var store = CreateStore();
        for (var i = 0; i < 5; i++)
        {
            await store.CreateAsync($"page{i}", $"Page {i}", "hash", CancellationToken.None);
        }

        var first = await store.SearchAsync("page", 0, 3, CancellationToken.None);
        var second = await store.SearchAsync("page", first[^1].Id, 3, CancellationToken.None);

        Assert.Equal(3, first.Count);
        Assert.Equal(2, second.Count);
        Assert.Empty(first.Select(u => u.Id).Intersect(second.Select(u => u.Id)));
    }

    [ContractFact]
    public async Task ADisplayNameChangeIsWhatLaterReadsSee()
    {
        var store = CreateStore();
        var created = (await store.CreateAsync("renamed", "Before", "hash", CancellationToken.None))!;

        var updated = await store.UpdateDisplayNameAsync(created.Id, "After", CancellationToken.None);

        Assert.Equal(created with { DisplayName = "After" }, updated);
        Assert.Equal(updated, await store.FindByIdAsync(created.Id, CancellationToken.None));
        Assert.Null(await store.UpdateDisplayNameAsync(created.Id + 1000, "Nobody", CancellationToken.None));
    }

    [ContractFact]
    public async Task APasswordHashChangeIsWhatLaterCredentialLookupsSee()
    {
        var store = CreateStore();
        var created = (await store.CreateAsync("rehashed", "R", "old-hash", CancellationToken.None))!;

        Assert.True(await store.UpdatePasswordHashAsync(created.Id, "new-hash", CancellationToken.None));

        Assert.Equal("new-hash", (await store.FindCredentialsByIdAsync(created.Id, CancellationToken.None))?.PasswordHash);
        Assert.Equal("new-hash", (await store.FindCredentialsAsync("REHASHED", CancellationToken.None))?.PasswordHash);
        Assert.False(await store.UpdatePasswordHashAsync(created.Id + 1000, "hash", CancellationToken.None));
        Assert.Null(await store.FindCredentialsByIdAsync(created.Id + 1000, CancellationToken.None));
    }
}

public sealed class SqliteUserStoreTests : UserStoreContractTests
{
    protected override IUserStore CreateStore() => new SqliteUserStore(
        new SqliteDatabase(SqliteTesting.NewDatabasePath("identity.db")), TimeProvider.System);

    [Fact]
    public async Task UsersStoredBeforeUsernameKeysExistedAreFoundAndStillTakeTheirNames()
    {
        var database = new SqliteDatabase(SqliteTesting.NewDatabasePath("identity.db"));
        // The schema as it was, with one user in it.
        await using (var connection = await database.OpenAsync())
        await using (var legacy = connection.CreateCommand("""
            CREATE TABLE users (
                id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL COLLATE NOCASE UNIQUE,
                display_name TEXT NOT NULL, password_hash TEXT NOT NULL, created_at INTEGER NOT NULL);
            INSERT INTO users (username, display_name, password_hash, created_at) VALUES ('Old.Timer', 'Old', 'hash', 0)
            """))
        {
            await legacy.ExecuteNonQueryAsync();
        }

        var store = new SqliteUserStore(database, TimeProvider.System);

        Assert.Equal("Old.Timer", (await store.FindCredentialsAsync("old.timer", CancellationToken.None))?.User.Username);
        Assert.Null(await store.CreateAsync("OLD.TIMER", "Again", "hash", CancellationToken.None));
        Assert.Equal("everyone", await store.FindGroupAddsAsync(1, CancellationToken.None));
    }
}

[RequiresEnvironmentVariable(MongoDbTesting.Variable, MongoDbTesting.Purpose)]
public sealed class MongoUserStoreTests : UserStoreContractTests, IDisposable
{
    private readonly MongoTestDatabase _mongo = new("chat-identity-test");

    protected override IUserStore CreateStore() => new MongoUserStore(_mongo.Database, new MongoIdSequences(_mongo.Database), TimeProvider.System);

    public void Dispose() => _mongo.Dispose();
}
