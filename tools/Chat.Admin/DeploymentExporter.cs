using System.IO.Compression;
using System.Text.Json;
using Chat.Media.Storage;
using Chat.Sqlite;

namespace Chat.Admin;

/// <summary>Writes a whole deployment to one export file (<see cref="ArchiveFormat"/>), streaming every kind of record.</summary>
public sealed class DeploymentExporter(DeploymentStores stores, TextWriter log, TimeProvider time)
{
    public async Task<ArchiveManifest> ExportAsync(string file, CancellationToken cancellationToken)
    {
        if (File.Exists(file))
        {
            throw new AdminException($"{file} already exists; export never overwrites a file.");
        }
        var directory = Path.GetDirectoryName(file)!;
        if (!Directory.Exists(directory))
        {
            throw new AdminException($"The directory {directory} does not exist.");
        }
        // Written under a temporary name and renamed at the end, so a failed export leaves no file that looks complete.
        var partial = file + ".partial";
        File.Delete(partial);
        ArchiveManifest manifest;
        try
        {
            // The export holds password hashes: it is made 0600 like the databases it comes from.
            await using (var output = PrivateFiles.CreateNew(partial, 64 * 1024))
            using (var zip = new ZipArchive(output, ZipArchiveMode.Create))
            {
                manifest = await WriteEntriesAsync(zip, cancellationToken);
            }
            File.Move(partial, file);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
        return manifest;
    }

    private async Task<ArchiveManifest> WriteEntriesAsync(ZipArchive zip, CancellationToken cancellationToken)
    {
        var json = ArchiveJsonContext.Default;
        var counts = new Dictionary<string, long>
        {
            [ArchiveFormat.Users] = await JsonLines.WriteAsync(zip, ArchiveFormat.Users, stores.Identity.ReadUsersAsync(cancellationToken), json.ArchivedUser, cancellationToken),
            [ArchiveFormat.Blocks] = await JsonLines.WriteAsync(zip, ArchiveFormat.Blocks, stores.Identity.ReadBlocksAsync(cancellationToken), json.ArchivedBlock, cancellationToken),
            [ArchiveFormat.Conversations] = await JsonLines.WriteAsync(zip, ArchiveFormat.Conversations,
                stores.Messaging.ReadConversationsAsync(cancellationToken), json.ArchivedConversation, cancellationToken),
            [ArchiveFormat.Messages] = await JsonLines.WriteAsync(zip, ArchiveFormat.Messages,
                stores.Messaging.ReadMessagesAsync(cancellationToken), json.ArchivedMessage, cancellationToken),
            [ArchiveFormat.BlockCopies] = await JsonLines.WriteAsync(zip, ArchiveFormat.BlockCopies,
                stores.Messaging.ReadBlocksAsync(cancellationToken), json.ArchivedBlockCopy, cancellationToken),
            [ArchiveFormat.MediaOutbox] = await JsonLines.WriteAsync(zip, ArchiveFormat.MediaOutbox,
                stores.Messaging.ReadMediaOutboxAsync(cancellationToken), json.OutboxChange, cancellationToken),
            [ArchiveFormat.Media] = await JsonLines.WriteAsync(zip, ArchiveFormat.Media, stores.Media.ReadMediaAsync(cancellationToken), json.ArchivedMedia, cancellationToken),
            [ArchiveFormat.MediaReferences] = await JsonLines.WriteAsync(zip, ArchiveFormat.MediaReferences,
                stores.Media.ReadReferencesAsync(cancellationToken), json.ArchivedMediaReference, cancellationToken),
        };
        counts[ArchiveFormat.BlobPrefix] = await WriteBlobsAsync(zip, cancellationToken);

        var manifest = new ArchiveManifest(ArchiveFormat.Name, ArchiveFormat.Version, time.GetUtcNow(), counts);
        await using var stream = zip.CreateEntry(ArchiveFormat.Manifest).Open();
        await JsonSerializer.SerializeAsync(stream, manifest, json.ArchiveManifest, cancellationToken);
        return manifest;
    }

    private async Task<long> WriteBlobsAsync(ZipArchive zip, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var key in stores.Media.ReadBlobKeysAsync(cancellationToken))
        {
            await using var blob = await stores.Blobs.OpenReadAsync(key, cancellationToken);
            if (blob is null)
            {
                // Metadata without bytes is already broken in the source; the export carries what there is and says so.
                await log.WriteLineAsync($"warning: blob {key} is referenced by media metadata but missing from the blob store; not exported.");
                continue;
            }
            // Blobs are mostly compressed images already: stored as they are.
            await using var entry = zip.CreateEntry(ArchiveFormat.BlobPrefix + key, CompressionLevel.NoCompression).Open();
            await blob.CopyToAsync(entry, cancellationToken);
            count++;
        }
        return count;
    }
}
