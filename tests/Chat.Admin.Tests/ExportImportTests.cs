using System.IO.Compression;
using Chat.Messaging.Storage;

namespace Chat.Admin.Tests;

public sealed class ExportImportTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public async Task AnExportImportedIntoAFreshDataDirectoryAnswersEveryReadAsTheSource()
    {
        var sample = await SampleDeployment.CreateAsync(_scratch["source"]);
        (await AdminRun.ExportAsync(_scratch["source"], _scratch["deployment.zip"])).Succeeded();
        (await AdminRun.ImportAsync(_scratch["target"], _scratch["deployment.zip"])).Succeeded();

        using var source = DeploymentReaders.OpenSqlite(_scratch["source"]);
        using var target = DeploymentReaders.OpenSqlite(_scratch["target"]);
        var expected = await source.SnapshotAsync(sample);
        Assert.Equal(expected, await target.SnapshotAsync(sample));

        // The snapshot holds what the sample made, so equal snapshots are not two empty answers.
        Assert.Contains("hash-of-carol", expected);
        Assert.Contains("\"Text\": \"hello\"", expected);
        Assert.Contains("\"DeletedAt\": \"", expected);
        Assert.Contains("Trip 2027", expected);
        Assert.Contains(Convert.ToHexString(sample.BlobBytes), expected);
        Assert.Contains("\"LastReadSeq\": 2", expected);
    }

    [Fact]
    public async Task AfterAnImportTheNextMessageTakesTheNextSeqAndVersionAndNewIdsFollowTheImportedOnes()
    {
        var sample = await SampleDeployment.CreateAsync(_scratch["source"]);
        (await AdminRun.ExportAsync(_scratch["source"], _scratch["deployment.zip"])).Succeeded();
        (await AdminRun.ImportAsync(_scratch["target"], _scratch["deployment.zip"])).Succeeded();

        using var target = DeploymentReaders.OpenSqlite(_scratch["target"]);
        var before = (await target.Conversations.FindForMemberAsync(sample.DirectId, sample.AliceId, CancellationToken.None))!;
        var sent = await target.Messages.AppendAsync(
            new NewMessage(sample.DirectId, sample.AliceId, "after-import", "back again", []), CancellationToken.None);

        Assert.Equal(AppendStatus.Appended, sent.Status);
        Assert.Equal(4, before.LastSeq);
        Assert.Equal(before.LastSeq + 1, sent.Message!.Seq);
        Assert.Equal(before.LastVersion + 1, sent.Message.Version);
        var retried = await target.Messages.AppendAsync(new NewMessage(sample.DirectId, sample.BobId, "d2", "hi alice", []), CancellationToken.None);
        Assert.Equal(AppendStatus.Duplicate, retried.Status);
        var dave = await target.Users.CreateAsync("dave", "Dave", "hash-of-dave", CancellationToken.None);
        Assert.True(dave!.Id > sample.Users.Max(u => u.Id));
        Assert.Null(await target.Users.CreateAsync("ALICE", "Another Alice", "x", CancellationToken.None));
        var group = await target.Conversations.CreateGroupAsync(sample.AliceId, "Later", [sample.BobId], CancellationToken.None);
        Assert.True(group.Conversation!.Id > sample.GroupId);
    }

    [Fact]
    public async Task ImportRefusesATargetThatAlreadyHoldsDataAndChangesNothing()
    {
        var sample = await SampleDeployment.CreateAsync(_scratch["source"]);
        (await AdminRun.ExportAsync(_scratch["source"], _scratch["deployment.zip"])).Succeeded();
        string before;
        using (var source = DeploymentReaders.OpenSqlite(_scratch["source"]))
        {
            before = await source.SnapshotAsync(sample);
        }

        var refused = await AdminRun.ImportAsync(_scratch["source"], _scratch["deployment.zip"]);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("already holds data", refused.Error);
        Assert.Contains(AdminOptions.AllowNonEmptyFlag, refused.Error);
        using var after = DeploymentReaders.OpenSqlite(_scratch["source"]);
        Assert.Equal(before, await after.SnapshotAsync(sample));
    }

    [Fact]
    public async Task ImportingIntoATargetThatHoldsTheSameIdsFailsWithAMessageEvenWhenAllowed()
    {
        await SampleDeployment.CreateAsync(_scratch["source"]);
        (await AdminRun.ExportAsync(_scratch["source"], _scratch["deployment.zip"])).Succeeded();

        var failed = await AdminRun.ImportAsync(_scratch["source"], _scratch["deployment.zip"], AdminOptions.AllowNonEmptyFlag);

        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("identity/users.jsonl", failed.Error);
    }

    [Fact]
    public async Task ImportOfAMissingFileFailsWithAMessageOnStderr()
    {
        var run = await AdminRun.ImportAsync(_scratch["target"], _scratch["nowhere.zip"]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("no export file", run.Error);
        Assert.False(Directory.Exists(_scratch["target"]));
    }

    [Fact]
    public async Task ImportRefusesAnExportOfAnotherFormatVersion()
    {
        await using (var file = File.Create(_scratch["future.zip"]))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        await using (var manifest = new StreamWriter(zip.CreateEntry(ArchiveFormat.Manifest).Open()))
        {
            await manifest.WriteAsync("""{"format":"chat-deployment","formatVersion":2,"exportedAt":"2030-01-01T00:00:00Z","counts":{}}""");
        }

        var run = await AdminRun.ImportAsync(_scratch["target"], _scratch["future.zip"]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("format version 2", run.Error);
    }

    [Fact]
    public async Task ImportRefusesAFileThatIsNotAnExport()
    {
        await File.WriteAllTextAsync(_scratch["notes.zip"], "just text");

        var run = await AdminRun.ImportAsync(_scratch["target"], _scratch["notes.zip"]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("not a Chat export", run.Error);
    }

    [Fact]
    public async Task ExportRefusesADataDirectoryWithoutTheServicesDatabasesAndWritesNoFile()
    {
        var run = await AdminRun.ExportAsync(_scratch["empty"], _scratch["deployment.zip"]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("identity.db", run.Error);
        Assert.False(File.Exists(_scratch["deployment.zip"]));
    }

    [Fact]
    public async Task ExportNeverOverwritesAnExistingFile()
    {
        await SampleDeployment.CreateAsync(_scratch["source"]);
        await File.WriteAllTextAsync(_scratch["deployment.zip"], "keep me");

        var run = await AdminRun.ExportAsync(_scratch["source"], _scratch["deployment.zip"]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("already exists", run.Error);
        Assert.Equal("keep me", await File.ReadAllTextAsync(_scratch["deployment.zip"]));
    }

    [Fact]
    public async Task AnUnknownCommandPrintsTheUsage()
    {
        var run = await AdminRun.RunAsync("backup", "x.zip");

        Assert.Equal(AdminException.Usage, run.ExitCode);
        Assert.Contains("usage:", run.Error);
    }

    public void Dispose() => _scratch.Dispose();
}
