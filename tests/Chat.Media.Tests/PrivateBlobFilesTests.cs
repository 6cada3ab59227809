using Chat.Media;
using Chat.Media.Signing;
using Chat.Media.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Media.Tests;

/// <summary>Blobs and the URL-signing key on disk are readable by the service's own user only.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivateBlobFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("chat-blobs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task ABlobIsStored0600InDirectoriesCreated0700()
    {
        var store = new FileSystemBlobStore(Path.Combine(_root, "media", "blobs"));
        var staged = Path.Combine(_root, "staged");
        await File.WriteAllTextAsync(staged, "bytes");
        File.SetUnixFileMode(staged, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var key = new string('a', 64);

        await store.PutAsync(key, staged, CancellationToken.None);

        var blob = Directory.GetFiles(Path.Combine(_root, "media", "blobs"), "*", SearchOption.AllDirectories).Single();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(blob));
        for (var directory = Path.GetDirectoryName(blob)!; directory != _root; directory = Path.GetDirectoryName(directory)!)
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        }
    }

    [Fact]
    public void TheUrlSigningKeyIsCreated0600InADirectoryCreated0700()
    {
        var directory = Path.Combine(_root, "media");

        _ = new SignedMediaUrls(Options.Create(new MediaOptions { DataDirectory = directory }), TimeProvider.System);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, SignedMediaUrls.KeyFileName)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Single(Directory.GetFiles(directory));
    }
}
