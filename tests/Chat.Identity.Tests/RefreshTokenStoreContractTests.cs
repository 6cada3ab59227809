extern alias IdentityService;

using Chat.Mongo;
using Chat.Sqlite;
using Chat.Testing;
using MongoDB.Driver;
using IdentityService::Chat.Identity.Tokens;
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

        var rotated = await store.RotateAsync(first, second, InADay, CancellationToken.None);
        var again = await store.RotateAsync(second, third, InADay, CancellationToken.None);

        Assert.Equal(new RefreshResult(RefreshOutcome.Rotated, 7, "family"), rotated);
        Assert.Equal(new RefreshResult(RefreshOutcome.Rotated, 7, "family"), again);
    }

    [ContractFact]
    public async Task PresentingAReplacedTokenRevokesTheWholeFamily()
    {
        var store = CreateStore();
        var (first, second, third, fourth) = (Hash(), Hash(), Hash(), Hash());
        await store.CreateAsync(first, 7, "family", InADay, CancellationToken.None);
        await store.RotateAsync(first, second, InADay, CancellationToken.None);

        var reuse = await store.RotateAsync(first, third, InADay, CancellationToken.None);
        var newestAfterReuse = await store.RotateAsync(second, fourth, InADay, CancellationToken.None);

        Assert.Equal(new RefreshResult(RefreshOutcome.Reused, 7, "family"), reuse);
        Assert.Equal(RefreshOutcome.Invalid, newestAfterReuse.Outcome);
    }

    [ContractFact]
    public async Task ConcurrentUsesOfOneTokenRotateItOnlyOnce()
    {
        var store = CreateStore();
        var first = Hash();
        await store.CreateAsync(first, 7, "family", InADay, CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.RotateAsync(first, Hash(), InADay, CancellationToken.None))));

        Assert.Equal(1, results.Count(r => r.Outcome == RefreshOutcome.Rotated));
    }

    [ContractFact]
    public async Task UnknownAndExpiredTokensAreInvalid()
    {
        var store = CreateStore();
        var token = Hash();
        await store.CreateAsync(token, 7, "family", Time.GetUtcNow().AddMinutes(10), CancellationToken.None);

        var unknown = await store.RotateAsync(Hash(), Hash(), InADay, CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(10));
        var expired = await store.RotateAsync(token, Hash(), InADay, CancellationToken.None);

        Assert.Equal(RefreshOutcome.Invalid, unknown.Outcome);
        Assert.Equal(RefreshOutcome.Invalid, expired.Outcome);
    }

    [ContractFact]
    public async Task RevokingAFamilyByAnyOfItsTokensEndsItAndOnlyIt()
    {
        var store = CreateStore();
        var (first, second, other) = (Hash(), Hash(), Hash());
        await store.CreateAsync(first, 7, "ended", InADay, CancellationToken.None);
        await store.RotateAsync(first, second, InADay, CancellationToken.None);
        await store.CreateAsync(other, 7, "kept", InADay, CancellationToken.None);

        await store.RevokeFamilyAsync(first, CancellationToken.None);

        Assert.Equal(RefreshOutcome.Invalid, (await store.RotateAsync(second, Hash(), InADay, CancellationToken.None)).Outcome);
        Assert.Equal(RefreshOutcome.Rotated, (await store.RotateAsync(other, Hash(), InADay, CancellationToken.None)).Outcome);
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

        Assert.Equal(RefreshOutcome.Rotated, (await store.RotateAsync(kept, Hash(), InADay, CancellationToken.None)).Outcome);
        Assert.Equal(RefreshOutcome.Invalid, (await store.RotateAsync(ended, Hash(), InADay, CancellationToken.None)).Outcome);
        Assert.Equal(RefreshOutcome.Rotated, (await store.RotateAsync(otherUser, Hash(), InADay, CancellationToken.None)).Outcome);
    }

    [ContractFact]
    public async Task RevokingAUserWithoutAFamilyToKeepEndsAllItsFamilies()
    {
        var store = CreateStore();
        var token = Hash();
        await store.CreateAsync(token, 7, "family", InADay, CancellationToken.None);

        await store.RevokeUserAsync(7, null, CancellationToken.None);

        Assert.Equal(RefreshOutcome.Invalid, (await store.RotateAsync(token, Hash(), InADay, CancellationToken.None)).Outcome);
    }

    private static byte[] Hash() => RefreshTokenSecret.Create().Hash;
}

public sealed class SqliteRefreshTokenStoreTests : RefreshTokenStoreContractTests
{
    protected override IRefreshTokenStore CreateStore() => new SqliteRefreshTokenStore(
        new SqliteDatabase(Path.Combine(Directory.CreateTempSubdirectory("chat-refresh-").FullName, "identity.db")), Time);
}

[RequiresEnvironmentVariable(MongoDbTesting.Variable, MongoDbTesting.Purpose)]
public sealed class MongoRefreshTokenStoreTests : RefreshTokenStoreContractTests, IDisposable
{
    private readonly MongoClient _client = new(MongoDbTesting.ConnectionString);
    private readonly string _databaseName = MongoDbTesting.NewDatabaseName("chat-identity-test");

    protected override IRefreshTokenStore CreateStore() => new MongoRefreshTokenStore(_client, _client.GetDatabase(_databaseName), Time);

    public void Dispose()
    {
        _client.DropDatabase(_databaseName);
        _client.Dispose();
    }
}
