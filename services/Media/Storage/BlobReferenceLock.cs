namespace Chat.Media.Storage;

/// <summary>
/// Serialises "put a blob, then add the row that references it" against "delete rows, then delete blobs no row
/// references", so a release never deletes a blob an upload of the same bytes is about to point at.
/// Holds only for one Media process (the embedded store runs one); see docs/decisions.md.
/// </summary>
public sealed class BlobReferenceLock
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        return new Releaser(_gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
