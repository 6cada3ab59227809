using Chat.Testing;
using MongoDB.Driver;

namespace Chat.Admin.Tests;

[RequiresEnvironmentVariable(MongoDbTesting.Variable, MongoDbTesting.Purpose)]
public sealed class MongoImportTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();
    private readonly string _databaseName = MongoDbTesting.NewDatabaseName("chat-admin-test");
    private MongoClient? _client;

    [ContractFact]
    public async Task AnExportImportedIntoMongoDbAnswersEveryReadAsTheSqliteSourceAndExportsBackTheSame()
    {
        var sample = await SampleDeployment.CreateAsync(_scratch["source"]);
        (await AdminRun.ExportAsync(_scratch["source"], _scratch["deployment.zip"])).Succeeded();
        var mongo = new MongoUrlBuilder(MongoDbTesting.ConnectionString) { DatabaseName = _databaseName }.ToString();
        _client = new MongoClient(mongo);

        (await AdminRun.ImportAsync(_scratch["target"], _scratch["deployment.zip"], "--ConnectionStrings:mongodb", mongo)).Succeeded();

        using var source = DeploymentReaders.OpenSqlite(_scratch["source"]);
        using var target = DeploymentReaders.OpenMongo(_client, _databaseName, Path.Combine(_scratch["target"], "media", "blobs"));
        Assert.Equal(await source.SnapshotAsync(sample), await target.SnapshotAsync(sample));

        // And back: MongoDB exported into a fresh SQLite directory answers as the original.
        (await AdminRun.RunAsync("export", _scratch["again.zip"], "--Chat:DataDirectory", _scratch["target"], "--ConnectionStrings:mongodb", mongo)).Succeeded();
        (await AdminRun.ImportAsync(_scratch["roundtrip"], _scratch["again.zip"])).Succeeded();
        using var roundTrip = DeploymentReaders.OpenSqlite(_scratch["roundtrip"]);
        Assert.Equal(await source.SnapshotAsync(sample), await roundTrip.SnapshotAsync(sample));
    }

    public void Dispose()
    {
        _client?.DropDatabase(_databaseName);
        _client?.Dispose();
        _scratch.Dispose();
    }
}
