using Chat.Sqlite;
using Chat.Testing;
using Chat.Identity.Tokens;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Identity.Tests;

/// <summary>What every <see cref="IRefreshTokenStore"/> must do; a MongoDB store derives from this too.</summary>
public abstract class RefreshTokenStoreContractTests
{
    protected readonly FakeTimeProvider Time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    protected abstract IRefreshTokenStore CreateStore();

    private DateTimeOffset InADay => Time.GetUtcNow().AddDays(1);

    [ContractFact]
    public async Task ACurrentTokenRotatesToTheNextOneOfItsFamily()
    {
        var store = CreateStore();
        var (first, second, third) = (Hash(), Hash(), Hash());
        await store.CreateAsync(first, 7, "family", InADay, CancellationToken.None);

        var rotated = await store.RotateAsync(first, Next(second), TimeSpan.Zero, CancellationToken.None);
        var again = await store.RotateAsync(second, Next(third), TimeSpan.Zero, CancellationToken.None);

        Assert.Equal((RefreshOutcome.Rotated, 7L, "family"), (rotated.Outcome, rotated.UserId, rotated.FamilyId));
        Assert.Equal((RefreshOutcome.Rotated, 7L, "family"), (again.Outcome, again.UserId, again.FamilyId));
    }

    [ContractFact]
    public async Task PresentingAReplacedTokenRevokesTheWholeFamily()
    {
        var store = CreateStore();
        var (first, second, third, fourth) = (Hash(), Hash(), Hash(), Hash());
        await store.CreateAsync(first, 7, "family", InADay, CancellationToken.None);
        await store.RotateAsync(first, Next(second), TimeSpan.Zero, CancellationToken.None);

        var reuse = await store.RotateAsync(first, Next(third), TimeSpan.Zero, CancellationToken.None);
        var newestAfterReuse = await store.RotateAsync(second, Next(fourth), TimeSpan.Zero, CancellationToken.None);

        Assert.Equal((RefreshOutcome.Reused, 7L, "family"), (reuse.Outcome, reuse.UserId, reuse.FamilyId));
        Assert.Equal(RefreshOutcome.Invalid, newestAfterReuse.Outcome);
    }

    [ContractFact]
    public async Task ConcurrentUsesOfOneTokenRotateItOnlyOnce()
    {
        var store = CreateStore();
        var first = Hash();
        await store.CreateAsync(first, 7, "family", InADay, CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.RotateAsync(first, Next(Hash()), TimeSpan.Zero, CancellationToken.None))));

        Assert.Equal(1, results.Count(r => r.Outcome == RefreshOutcome.Rotated));
    }

    [ContractFact]
    public async Task UnknownAndExpiredTokensAreInvalid()
    {
        var store = CreateStore();
        var token = Hash();
        await store.CreateAsync(token, 7, "family", Time.GetUtcNow().AddMinutes(10), CancellationToken.None);

        var unknown = await store.RotateAsync(Hash(), Next(Hash()), TimeSpan.Zero, CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(10));
        var expired = await store.RotateAsync(token, Next(Hash()), TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(RefreshOutcome.Invalid, unknown.Outcome);
        Assert.Equal(RefreshOutcome.Invalid, expired.Outcome);
    }

    [ContractFact]
    public async Task RevokingAFamilyByAnyOfItsTokensEndsItAndOnlyIt()
    {
        var store = CreateStore();
        var (first, second, other) = (Hash(), Hash(), Hash());
        await store.CreateAsync(first, 7, "ended", InADay, CancellationToken.None);
        await store.RotateAsync(first, Next(second), TimeSpan.Zero, CancellationToken.None);
        await store.CreateAsync(other, 7, "kept", InADay, CancellationToken.None);

        await store.RevokeFamilyAsync(first, CancellationToken.None);

        Assert.Equal(RefreshOutcome.Invalid, (await store.RotateAsync(second, Next(Hash()), TimeSpan.Zero, CancellationToken.None)).Outcome);
        Assert.Equal(RefreshOutcome.Rotated, (await store.RotateAsync(other, Next(Hash()), TimeSpan.Zero, CancellationToken.None)).Outcome);
    }

    [ContractFact]
    public async Task RevokingAUserKeepsOnlyTheNamedFamilyAndOtherUsers()
    {
        var store = CreateStore();
        var (kept, ended, otherUser) = (Hash(), Hash(), Hash());
        await store.CreateAsync(kept, 7, "kept", InADay, CancellationToken.None);
        await store.CreateAsync(ended, 7, "ended", InADay, CancellationToken.None);
        await store.CreateAsync(otherUser, 8, "other", InADay, CancellationToken.None);

        await store.RevokeUserAsync(7, "kept", CancellationToken.None);

        Assert.Equal(RefreshOutcome.Rotated, (await store.RotateAsync(kept, Next(Hash()), TimeSpan.Zero, CancellationToken.None)).Outcome);
        Assert.Equal(RefreshOutcome.Invalid, (await store.RotateAsync(ended, Next(Hash()), TimeSpan.Zero, CancellationToken.None)).Outcome);
        Assert.Equal(RefreshOutcome.Rotated, (await store.RotateAsync(otherUser, Next(Hash()), TimeSpan.Zero, CancellationToken.None)).Outcome);
    }

    [ContractFact]
    public async Task RevokingAUserWithoutAFamilyToKeepEndsAllItsFamilies()
    {
        var store = CreateStore();
        var token = Hash();
        await store.CreateAsync(token, 7, "family", InADay, CancellationToken.None);

        await store.RevokeUserAsync(7, null, CancellationToken.None);

        Assert.Equal(RefreshOutcome.Invalid, (await store.RotateAsync(token, Next(Hash()), TimeSpan.Zero, CancellationToken.None)).Outcome);
    }

    [ContractFact]
    public async Task ATokenPresentedAgainWithinTheGraceGetsTheSameSuccessorAndAfterItRevokesTheFamily()
    {
        var store = CreateStore();
        var (first, second) = (Hash(), Next(Hash()));
        await store.CreateAsync(first, 7, "family", InADay, CancellationToken.None);
        var grace = TimeSpan.FromSeconds(30);

        var rotated = await store.RotateAsync(first, second, grace, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(29));
        var retried = await store.RotateAsync(first, Next(Hash()), grace, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(2));
        var reused = await store.RotateAsync(first, Next(Hash()), grace, CancellationToken.None);

        Assert.Equal(RefreshOutcome.Rotated, retried.Outcome);
        Assert.Equal(rotated.SuccessorSalt, retried.SuccessorSalt);
        Assert.Equal(rotated.SuccessorExpiresAt, retried.SuccessorExpiresAt);
        Assert.Equal(RefreshOutcome.Reused, reused.Outcome);
        Assert.Equal(RefreshOutcome.Invalid, (await store.RotateAsync(second.Hash, Next(Hash()), grace, CancellationToken.None)).Outcome);
    }

    [ContractFact]
    public async Task ATokenPresentedAgainAfterItsSuccessorWasUsedRevokesTheFamilyEvenWithinTheGrace()
    {
        var store = CreateStore();
        var (first, second) = (Hash(), Next(Hash()));
        await store.CreateAsync(first, 7, "family", InADay, CancellationToken.None);
        var grace = TimeSpan.FromSeconds(30);
        await store.RotateAsync(first, second, grace, CancellationToken.None);
        await store.RotateAsync(second.Hash, Next(Hash()), grace, CancellationToken.None);

        Assert.Equal(RefreshOutcome.Reused, (await store.RotateAsync(first, Next(Hash()), grace, CancellationToken.None)).Outcome);
    }

    [ContractFact]
    public async Task RevokedFamiliesAreListedByWhenTheyWereRevoked()
    {
        var store = CreateStore();
        var (loggedOut, changed, kept) = (Hash(), Hash(), Hash());
        await store.CreateAsync(loggedOut, 7, "logged-out", InADay, CancellationToken.None);
        await store.CreateAsync(changed, 8, "changed", InADay, CancellationToken.None);
        await store.CreateAsync(kept, 8, "kept", InADay, CancellationToken.None);
        await store.RevokeFamilyAsync(loggedOut, CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(1));
        var beforeSecond = Time.GetUtcNow();
        await store.RevokeUserAsync(8, "kept", CancellationToken.None);

        var all = await store.ListRevokedSinceAsync(beforeSecond.AddMinutes(-5), CancellationToken.None);
        var recent = await store.ListRevokedSinceAsync(beforeSecond, CancellationToken.None);

        Assert.Equal(["changed", "logged-out"], all.Select(r => r.SessionId).Order());
        Assert.Equal([new SessionRevocation("changed", beforeSecond)], recent);
    }

    private static byte[] Hash() => RefreshTokenSecret.Create().Hash;

    private RefreshSuccessor Next(byte[] hash) => new(hash, RefreshTokenSecret.Create().Hash, InADay);
}

public sealed class SqliteRefreshTokenStoreTests : RefreshTokenStoreContractTests
{
    private readonly string _path = SqliteTesting.NewDatabasePath("identity.db");

    protected override IRefreshTokenStore CreateStore() => new SqliteRefreshTokenStore(new SqliteDatabase(_path), Time);

    [Fact]
    public async Task AFileFromBeforeNumberedStepsGetsTheLaterColumnsAndTablesAndItsTokensStillRotate()
    {
        var first = RefreshTokenSecret.Create().Hash;
        // identity.db as the user store numbered it (two steps) with the first refresh-token table beside it, holding a token.
        await using (var connection = await new SqliteDatabase(_path).OpenAsync())
        await using (var legacy = connection.CreateCommand("""
            CREATE TABLE refresh_tokens (
                token_hash BLOB PRIMARY KEY, family_id TEXT NOT NULL, user_id INTEGER NOT NULL, created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL, replaced_by BLOB, revoked_at INTEGER) WITHOUT ROWID;
            INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at) VALUES (@hash, 'old', 7, 0, @expires);
            PRAGMA user_version = 2;
            """).With("@hash", first).With("@expires", Time.GetUtcNow().AddDays(1).ToUnixTimeMilliseconds()))
        {
            await legacy.ExecuteNonQueryAsync();
        }

        var store = CreateStore();
        var rotated = await store.RotateAsync(first, new RefreshSuccessor(RefreshTokenSecret.Create().Hash, RefreshTokenSecret.Create().Hash,
            Time.GetUtcNow().AddDays(1)), TimeSpan.FromSeconds(30), CancellationToken.None);
        CreateStore();

        Assert.Equal((RefreshOutcome.Rotated, 7L, "old"), (rotated.Outcome, rotated.UserId, rotated.FamilyId));
        await using var check = await new SqliteDatabase(_path).OpenAsync();
        await using var schema = check.CreateCommand("""
            SELECT (SELECT count(*) FROM pragma_table_info('refresh_tokens') WHERE name IN ('replaced_at', 'successor_salt')),
                   (SELECT count(*) FROM sqlite_schema WHERE name IN ('blocks', 'refresh_tokens_revoked')),
                   (SELECT user_version FROM pragma_user_version)
            """);
        await using var reader = await schema.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((2L, 2L, 7L), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
    }
}

[RequiresEnvironmentVariable(MongoDbTesting.Variable, MongoDbTesting.Purpose)]
public sealed class MongoRefreshTokenStoreTests : RefreshTokenStoreContractTests, IDisposable
{
    private readonly MongoTestDatabase _mongo = new("chat-identity-test");

    protected override IRefreshTokenStore CreateStore() => new MongoRefreshTokenStore(_mongo.Client, _mongo.Database, Time);

    public void Dispose() => _mongo.Dispose();
}
