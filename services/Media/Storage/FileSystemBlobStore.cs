using Chat.Sqlite;

namespace Chat.Media.Storage;

/// <summary>Blobs as files, fanned out by the first two hex digits of the key.</summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private readonly string _root;

    public FileSystemBlobStore(string root)
    {
        _root = Path.GetFullPath(root);
        PrivateFiles.CreateDirectory(_root);
    }

    public Task PutAsync(string key, string stagedFilePath, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            File.Delete(stagedFilePath);
        }
        else
        {
            // Two concurrent puts of the same bytes both rename identical content into place; rename is atomic.
            PrivateFiles.Restrict(stagedFilePath);
            File.Move(stagedFilePath, path, overwrite: true);
        }
        return Task.CompletedTask;
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Its fan-out directory was never made: there is nothing to delete.
        }
        return Task.CompletedTask;
    }

    private string PathFor(string key) => Path.Combine(_root, BlobKeys.Validate(key)[..2], key);
}
