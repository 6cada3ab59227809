using System.Security.Cryptography;
using Chat.Testing;
using Chat.Media.Storage;

namespace Chat.Media.Tests;

/// <summary>What every <see cref="IBlobStore"/> must do; one subclass per implementation that can run here.</summary>
public abstract class BlobStoreContractTests : IDisposable
{
    protected BlobStoreContractTests()
    {
        Staging = Directory.CreateTempSubdirectory("chat-blob-staging-").FullName;
    }

    protected string Staging { get; }

    protected abstract IBlobStore Store { get; }

    public virtual void Dispose() => Directory.Delete(Staging, recursive: true);

    [Fact]
    public async Task APutBlobReadsBackByteForByteAndTheStagedFileIsConsumed()
    {
        var (key, bytes, staged) = Stage(10_000);

        await Store.PutAsync(key, staged, CancellationToken.None);
        await using var stream = await Store.OpenReadAsync(key, CancellationToken.None);

        Assert.NotNull(stream);
        Assert.Equal(bytes, await ReadAllAsync(stream));
        Assert.False(File.Exists(staged));
    }

    [Fact]
    public async Task PuttingTheSameBytesTwiceKeepsOneBlobAndConsumesBothStagedFiles()
    {
        var (key, bytes, staged) = Stage(500);
        var again = Path.Combine(Staging, "again");
        File.WriteAllBytes(again, bytes);

        await Store.PutAsync(key, staged, CancellationToken.None);
        await Store.PutAsync(key, again, CancellationToken.None);
        await using var stream = await Store.OpenReadAsync(key, CancellationToken.None);

        Assert.Equal(bytes, await ReadAllAsync(stream!));
        Assert.False(File.Exists(again));
    }

    [Fact]
    public async Task AMissingBlobReadsAsNull()
    {
        Assert.Null(await Store.OpenReadAsync(new string('a', 64), CancellationToken.None));
    }

    [Fact]
    public async Task ADeletedBlobIsGoneAndDeletingItAgainIsNoError()
    {
        var (key, _, staged) = Stage(100);
        await Store.PutAsync(key, staged, CancellationToken.None);

        await Store.DeleteAsync(key, CancellationToken.None);
        await Store.DeleteAsync(key, CancellationToken.None);
        await Store.DeleteAsync(new string('b', 64), CancellationToken.None);

        Assert.Null(await Store.OpenReadAsync(key, CancellationToken.None));
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde/")]
    public async Task AKeyThatIsNotAHexSha256IsRefusedBeforeAnythingIsTouched(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(key, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(key, CancellationToken.None));
    }

    private (string Key, byte[] Bytes, string StagedPath) Stage(int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        var path = Path.Combine(Staging, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes);
        return (Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes, path);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}

public sealed class FileSystemBlobStoreTests : BlobStoreContractTests
{
    private readonly string _root = Directory.CreateTempSubdirectory("chat-blobs-").FullName;

    public FileSystemBlobStoreTests()
    {
        Store = new FileSystemBlobStore(_root);
    }

    protected override IBlobStore Store { get; }

    public override void Dispose()
    {
        base.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}

/// <summary>The same contract against S3, served by s3rver on loopback (see <see cref="S3rverFixture"/>).</summary>
public sealed class S3BlobStoreTests : BlobStoreContractTests, IClassFixture<S3rverFixture>
{
    private readonly S3BlobStore _store;

    public S3BlobStoreTests(S3rverFixture s3)
    {
        // A bucket per test class instance, so no test sees another's objects without listing anything.
        _store = new S3BlobStore(new S3BlobStoreOptions
        {
            ServiceUrl = s3.ServiceUrl,
            Bucket = $"chat-test-{Guid.NewGuid():N}"[..40],
            AccessKey = S3rverFixture.AccessKey,
            SecretKey = S3rverFixture.SecretKey,
        });
    }

    protected override IBlobStore Store => _store;

    [Fact]
    public async Task ARangedReadFetchesOnlyTheBytesFromTheSeekPosition()
    {
        var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(4096);
        var staged = Path.Combine(Staging, "ranged");
        File.WriteAllBytes(staged, bytes);
        var key = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await Store.PutAsync(key, staged, CancellationToken.None);

        await using var stream = (await Store.OpenReadAsync(key, CancellationToken.None))!;
        stream.Seek(1000, SeekOrigin.Begin);
        var buffer = new byte[100];
        await stream.ReadExactlyAsync(buffer);

        Assert.True(stream.CanSeek);
        Assert.Equal(4096, stream.Length);
        Assert.Equal(bytes[1000..1100], buffer);
    }

    public override void Dispose()
    {
        base.Dispose();
        _store.Dispose();
    }
}
