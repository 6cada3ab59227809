namespace Chat.Media.Storage;

/// <summary>Immutable blobs addressed by the hex SHA-256 of their content; a key is never a path from user input.</summary>
public interface IBlobStore
{
    /// <summary>Moves the staged file in under its key; a blob that already exists is kept (same bytes) and the staged file removed.</summary>
    Task PutAsync(string key, string stagedFilePath, CancellationToken cancellationToken);

    /// <summary>The blob's bytes, or null when there is none.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Removes the blob; removing one that does not exist is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
