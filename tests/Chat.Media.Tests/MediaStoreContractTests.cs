extern alias MediaService;

using Chat.Mongo;
using Chat.Sqlite;
using Chat.Testing;
using MediaService::Chat.Media.Storage;
using MongoDB.Driver;

namespace Chat.Media.Tests;

/// <summary>What every <see cref="IMediaStore"/> must do; one subclass per implementation.</summary>
public abstract class MediaStoreContractTests
{
    protected abstract IMediaStore CreateStore();

    [ContractFact]
    public async Task AddedMediaIsFoundByItsIdWithEveryField()
    {
        var store = CreateStore();

        var added = await store.AddAsync(new NewMedia(7, 1, Key('a'), "image/png", 1234, "cat.png", 640, 480, Key('b')), CancellationToken.None);
        var plain = await store.AddAsync(new NewMedia(7, 1, Key('c'), "application/pdf", 99, "doc.pdf", null, null, null), CancellationToken.None);

        Assert.Equal(added, await store.FindAsync(added.Id, CancellationToken.None));
        Assert.Equal(plain, await store.FindAsync(plain.Id, CancellationToken.None));
        Assert.NotEqual(added.Id, plain.Id);
        Assert.Null(await store.FindAsync(plain.Id + 1000, CancellationToken.None));
    }

    [ContractFact]
    public async Task ReleasingNamesOnlyTheBlobsNoRemainingMediaReferences()
    {
        var store = CreateStore();
        var first = await store.AddAsync(new NewMedia(7, 1, Key('a'), "image/png", 10, "a.png", 1, 1, Key('t')), CancellationToken.None);
        var sameBytes = await store.AddAsync(new NewMedia(8, 2, Key('a'), "image/png", 10, "b.png", 1, 1, Key('t')), CancellationToken.None);
        var other = await store.AddAsync(new NewMedia(7, 1, Key('c'), "text/plain", 3, "c.txt", null, null, null), CancellationToken.None);

        var (releasedFirst, unreferencedFirst) = await store.ReleaseAsync([first.Id, other.Id, other.Id], CancellationToken.None);
        var (releasedRest, unreferencedRest) = await store.ReleaseAsync([sameBytes.Id, first.Id], CancellationToken.None);

        Assert.Equal(2, releasedFirst);
        Assert.Equal([Key('c')], unreferencedFirst);
        Assert.Equal(1, releasedRest);
        Assert.Equal([Key('a'), Key('t')], unreferencedRest.Order());
        Assert.Null(await store.FindAsync(sameBytes.Id, CancellationToken.None));
    }

    private static string Key(char c) => new(c, 64);
}

public sealed class SqliteMediaStoreTests : MediaStoreContractTests
{
    protected override IMediaStore CreateStore() => new SqliteMediaStore(
        new SqliteDatabase(Path.Combine(Directory.CreateTempSubdirectory("chat-media-").FullName, "media.db")), TimeProvider.System);
}

[RequiresEnvironmentVariable(MongoDbTesting.Variable, MongoDbTesting.Purpose)]
public sealed class MongoMediaStoreTests : MediaStoreContractTests, IDisposable
{
    private readonly MongoClient _client = new(MongoDbTesting.ConnectionString);
    private readonly string _databaseName = MongoDbTesting.NewDatabaseName("chat-media-test");

    protected override IMediaStore CreateStore()
    {
        var database = _client.GetDatabase(_databaseName);
        return new MongoMediaStore(_client, database, new MongoIdSequences(database), TimeProvider.System);
    }

    public void Dispose()
    {
        _client.DropDatabase(_databaseName);
        _client.Dispose();
    }
}
