namespace Chat.Media.Storage;

/// <summary>Immutable blobs addressed by the hex SHA-256 of their content.</summary>
public interface IBlobStore
{
    /// <summary>Stores the staged file under its key; a blob that already exists is kept (same bytes).</summary>
    Task PutAsync(string key, string stagedFilePath, CancellationToken cancellationToken);

    /// <summary>The blob's bytes, or null when there is none.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);
}
