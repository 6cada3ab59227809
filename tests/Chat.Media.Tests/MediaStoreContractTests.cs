using Chat.Sqlite;
using Chat.Testing;
using Chat.Media.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Media.Tests;

/// <summary>What every <see cref="IMediaStore"/> must do; one subclass per implementation.</summary>
public abstract class MediaStoreContractTests
{
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

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

        var releasedFirst = await store.ApplyReferencesAsync([Release(first, 1), Release(other, 1), Release(other, 1)], CancellationToken.None);
        var releasedRest = await store.ApplyReferencesAsync([Release(sameBytes, 2), Release(first, 1)], CancellationToken.None);

        Assert.Equal(2, releasedFirst.Removed);
        Assert.Equal([Key('c')], releasedFirst.UnreferencedBlobKeys);
        Assert.Equal(1, releasedRest.Removed);
        Assert.Equal([Key('a'), Key('t')], releasedRest.UnreferencedBlobKeys.Order());
        Assert.Null(await store.FindAsync(sameBytes.Id, CancellationToken.None));
    }

    [ContractFact]
    public async Task MediaOnTwoMessagesStaysUntilBothReleaseItWhateverTheOrderOrRepeats()
    {
        var store = CreateStore();
        var media = await store.AddAsync(new NewMedia(7, 1, Key('a'), "image/png", 10, "a.png", 1, 1, null), CancellationToken.None);

        await store.ApplyReferencesAsync([Attach(media, 1), Attach(media, 2)], CancellationToken.None);
        var attached = await store.FindAsync(media.Id, CancellationToken.None);
        // The first message goes; then its attach arrives again (a redelivery), and its release again.
        var firstGone = await store.ApplyReferencesAsync([Release(media, 1), Attach(media, 1), Release(media, 1), Attach(media, 2)], CancellationToken.None);
        var afterFirst = await store.FindAsync(media.Id, CancellationToken.None);
        var secondGone = await store.ApplyReferencesAsync([Release(media, 2)], CancellationToken.None);
        var lateAttach = await store.ApplyReferencesAsync([Attach(media, 2), Attach(media, 3)], CancellationToken.None);

        Assert.True(attached!.Attached);
        Assert.Equal(0, firstGone.Removed);
        Assert.NotNull(afterFirst);
        Assert.Equal(1, secondGone.Removed);
        Assert.Equal([Key('a')], secondGone.UnreferencedBlobKeys);
        Assert.Equal(0, lateAttach.Removed);
        Assert.Null(await store.FindAsync(media.Id, CancellationToken.None));
    }

    [ContractFact]
    public async Task AReferenceFromAnotherConversationDoesNotAttach()
    {
        var store = CreateStore();
        var media = await store.AddAsync(new NewMedia(7, 1, Key('a'), "text/plain", 10, "a.txt", null, null, null), CancellationToken.None);

        await store.ApplyReferencesAsync([new MediaReferenceChange(media.Id, 8, 1, true)], CancellationToken.None);

        Assert.False((await store.FindAsync(media.Id, CancellationToken.None))!.Attached);
    }

    [ContractFact]
    public async Task OnlyTheUploaderDeletesAnUploadAndOnlyWhileNoMessageHasIt()
    {
        var store = CreateStore();
        var unsent = await store.AddAsync(new NewMedia(7, 1, Key('a'), "text/plain", 10, "a.txt", null, null, null), CancellationToken.None);
        var sent = await store.AddAsync(new NewMedia(7, 1, Key('b'), "text/plain", 10, "b.txt", null, null, null), CancellationToken.None);
        await store.ApplyReferencesAsync([Attach(sent, 1)], CancellationToken.None);

        var bySomeoneElse = await store.DeleteUnattachedAsync(unsent.Id, 2, CancellationToken.None);
        var byUploader = await store.DeleteUnattachedAsync(unsent.Id, 1, CancellationToken.None);
        var again = await store.DeleteUnattachedAsync(unsent.Id, 1, CancellationToken.None);
        var attached = await store.DeleteUnattachedAsync(sent.Id, 1, CancellationToken.None);

        Assert.Equal(UploadDeletionStatus.NotFound, bySomeoneElse.Status);
        Assert.Equal(UploadDeletionStatus.Deleted, byUploader.Status);
        Assert.Equal([Key('a')], byUploader.Removal.UnreferencedBlobKeys);
        Assert.Equal(UploadDeletionStatus.NotFound, again.Status);
        Assert.Equal(UploadDeletionStatus.Attached, attached.Status);
        Assert.NotNull(await store.FindAsync(sent.Id, CancellationToken.None));
    }

    [ContractFact]
    public async Task RemovingUnattachedTakesOnlyOldUploadsNoMessageHas()
    {
        var store = CreateStore();
        var oldUnsent = await store.AddAsync(new NewMedia(7, 1, Key('a'), "text/plain", 10, "a.txt", null, null, null), CancellationToken.None);
        var oldSent = await store.AddAsync(new NewMedia(7, 1, Key('b'), "text/plain", 10, "b.txt", null, null, null), CancellationToken.None);
        await store.ApplyReferencesAsync([Attach(oldSent, 1)], CancellationToken.None);
        Clock.Advance(TimeSpan.FromHours(2));
        var newUnsent = await store.AddAsync(new NewMedia(7, 1, Key('c'), "text/plain", 10, "c.txt", null, null, null), CancellationToken.None);

        var removal = await store.RemoveUnattachedAsync(Clock.GetUtcNow() - TimeSpan.FromHours(1), 100, CancellationToken.None);

        Assert.Equal(1, removal.Removed);
        Assert.Equal([Key('a')], removal.UnreferencedBlobKeys);
        Assert.Null(await store.FindAsync(oldUnsent.Id, CancellationToken.None));
        Assert.NotNull(await store.FindAsync(oldSent.Id, CancellationToken.None));
        Assert.NotNull(await store.FindAsync(newUnsent.Id, CancellationToken.None));
    }

    [ContractFact]
    public async Task NewIdsAreScatteredBelowTwoToTheFiftyThree()
    {
        var store = CreateStore();

        var ids = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add((await store.AddAsync(new NewMedia(7, 1, Key('a'), "text/plain", 1, "a.txt", null, null, null), CancellationToken.None)).Id);
        }

        Assert.All(ids, id => Assert.InRange(id, 1, (1L << 53) - 1));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var sorted = ids.Order().ToArray();
        // Twenty draws from 2^53 land on neighbours with a chance of about 2^-45.
        Assert.All(sorted.Zip(sorted.Skip(1)), pair => Assert.True(pair.Second - pair.First > 1_000_000));
    }

    private static MediaReferenceChange Attach(MediaItem media, long seq) => new(media.Id, media.ConversationId, seq, true);

    private static MediaReferenceChange Release(MediaItem media, long seq) => new(media.Id, media.ConversationId, seq, false);

    private static string Key(char c) => new(c, 64);
}

public sealed class SqliteMediaStoreTests : MediaStoreContractTests
{
    private readonly string _path = SqliteTesting.NewDatabasePath("media.db");

    protected override IMediaStore CreateStore() => new SqliteMediaStore(new SqliteDatabase(_path), Clock);

    [Fact]
    public async Task AFileFromBeforeNumberedStepsGetsTheLaterColumnsAndItsOldMediaStaysVisibleToEveryMember()
    {
        // media.db as it was first: no image columns, no attachment time, no version.
        await using (var connection = await new SqliteDatabase(_path).OpenAsync())
        await using (var legacy = connection.CreateCommand("""
            CREATE TABLE media (
                id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id INTEGER NOT NULL, uploader_id INTEGER NOT NULL,
                blob_key TEXT NOT NULL, content_type TEXT NOT NULL, size INTEGER NOT NULL, file_name TEXT NOT NULL, created_at INTEGER NOT NULL);
            INSERT INTO media (id, conversation_id, uploader_id, blob_key, content_type, size, file_name, created_at)
            VALUES (5, 1, 2, 'old-key', 'text/plain', 3, 'old.txt', 0);
            """))
        {
            await legacy.ExecuteNonQueryAsync();
        }

        var store = CreateStore();
        var old = await store.FindAsync(5, CancellationToken.None);
        CreateStore();
        var added = await CreateStore().AddAsync(
            new NewMedia(1, 2, "new-key", "image/png", 10, "new.png", 4, 3, "thumb-key"), CancellationToken.None);

        Assert.NotNull(old);
        Assert.True(old.Attached);
        Assert.Null(old.Width);
        Assert.Equal((4, 3, "thumb-key", false), (added.Width, added.Height, added.ThumbnailKey, added.Attached));
        Assert.Equal(4, (await CreateStore().FindAsync(added.Id, CancellationToken.None))!.Width);
    }
}

[RequiresEnvironmentVariable(MongoDbTesting.Variable, MongoDbTesting.Purpose)]
public sealed class MongoMediaStoreTests : MediaStoreContractTests, IDisposable
{
    private readonly MongoTestDatabase _mongo = new("chat-media-test");

    protected override IMediaStore CreateStore() => new MongoMediaStore(_mongo.Client, _mongo.Database, Clock);

    public void Dispose() => _mongo.Dispose();
}
