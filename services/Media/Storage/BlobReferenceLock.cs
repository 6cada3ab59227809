namespace Chat.Media.Storage;

/// <summary>
/// Serialises "put a blob, then add the row that references it" against "delete rows, then delete blobs no row
/// references", so a release never deletes a blob an upload of the same bytes is about to point at.
/// Holds only for one Media process (the embedded store runs one); see docs/decisions.md.
/// </summary>
public sealed class BlobReferenceLock : AsyncGate;
