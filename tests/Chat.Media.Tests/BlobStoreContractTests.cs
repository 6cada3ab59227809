extern alias MediaService;

using System.Security.Cryptography;
using MediaService::Chat.Media.Storage;

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
