using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Chat.Media.Storage;
using Chat.Sqlite;

namespace Chat.Admin;

/// <summary>
/// Loads an export into a deployment's engines, keeping ids, seqs, versions and timestamps; records stream from the file
/// in batches of <see cref="BatchSize"/>, one transaction each.
/// </summary>
public sealed class DeploymentImporter(DeploymentStores stores, TextWriter log)
{
    public const int BatchSize = 1000;

    public async Task<ArchiveManifest> ImportAsync(string file, bool allowNonEmpty, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            throw new AdminException($"There is no export file {file}.");
        }
        using var zip = OpenZip(file);
        var manifest = await ReadManifestAsync(zip, cancellationToken);
        if (!allowNonEmpty && await NonEmptyPartsAsync(cancellationToken) is { Count: > 0 } full)
        {
            throw new AdminException(
                $"The target already holds data ({string.Join(", ", full)}); import only into an empty deployment, or pass {AdminOptions.AllowNonEmptyFlag}.");
        }

        var json = ArchiveJsonContext.Default;
        var counts = new Dictionary<string, long>
        {
            [ArchiveFormat.Users] = await CopyAsync(zip, ArchiveFormat.Users, json.ArchivedUser, stores.Identity.WriteUsersAsync, cancellationToken),
            [ArchiveFormat.Blocks] = await CopyAsync(zip, ArchiveFormat.Blocks, json.ArchivedBlock, stores.Identity.WriteBlocksAsync, cancellationToken),
            [ArchiveFormat.Conversations] = await CopyAsync(zip, ArchiveFormat.Conversations, json.ArchivedConversation,
                stores.Messaging.WriteConversationsAsync, cancellationToken),
            [ArchiveFormat.Messages] = await CopyAsync(zip, ArchiveFormat.Messages, json.ArchivedMessage, stores.Messaging.WriteMessagesAsync, cancellationToken),
            [ArchiveFormat.BlockCopies] = await CopyAsync(zip, ArchiveFormat.BlockCopies, json.ArchivedBlockCopy, stores.Messaging.WriteBlocksAsync, cancellationToken),
            [ArchiveFormat.MediaOutbox] = await CopyAsync(zip, ArchiveFormat.MediaOutbox, json.OutboxChange,
                stores.Messaging.WriteMediaOutboxAsync, cancellationToken),
            [ArchiveFormat.Media] = await CopyAsync(zip, ArchiveFormat.Media, json.ArchivedMedia, stores.Media.WriteMediaAsync, cancellationToken),
            [ArchiveFormat.MediaReferences] = await CopyAsync(zip, ArchiveFormat.MediaReferences, json.ArchivedMediaReference,
                stores.Media.WriteReferencesAsync, cancellationToken),
        };
        await stores.Identity.CompleteImportAsync(cancellationToken);
        await stores.Messaging.CompleteImportAsync(cancellationToken);
        counts[ArchiveFormat.BlobPrefix] = await CopyBlobsAsync(zip, cancellationToken);

        foreach (var (entry, expected) in manifest.Counts)
        {
            if (counts.GetValueOrDefault(entry) != expected)
            {
                throw new AdminException($"The export's manifest lists {expected} records in {entry} but the file held {counts.GetValueOrDefault(entry)}: it is damaged.");
            }
        }
        return manifest with { Counts = counts };
    }

    private static ZipArchive OpenZip(string file)
    {
        try
        {
            return ZipFile.OpenRead(file);
        }
        catch (InvalidDataException)
        {
            throw new AdminException($"{file} is not a Chat export (not a zip file).");
        }
    }

    private static async Task<ArchiveManifest> ReadManifestAsync(ZipArchive zip, CancellationToken cancellationToken)
    {
        var entry = zip.GetEntry(ArchiveFormat.Manifest) ?? throw new AdminException($"The file is not a Chat export: it has no {ArchiveFormat.Manifest}.");
        ArchiveManifest? manifest;
        try
        {
            await using var stream = entry.Open();
            manifest = await JsonSerializer.DeserializeAsync(stream, ArchiveJsonContext.Default.ArchiveManifest, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new AdminException($"The export's {ArchiveFormat.Manifest} is not readable: {e.Message}");
        }
        if (manifest is null || manifest.Format != ArchiveFormat.Name)
        {
            throw new AdminException($"The file is not a Chat export: its manifest names the format '{manifest?.Format}', not '{ArchiveFormat.Name}'.");
        }
        if (manifest.FormatVersion != ArchiveFormat.Version)
        {
            throw new AdminException(
                $"The export has format version {manifest.FormatVersion}; this tool reads version {ArchiveFormat.Version} only. Use the Chat.Admin of the release that wrote it.");
        }
        return manifest;
    }

    private async Task<List<string>> NonEmptyPartsAsync(CancellationToken cancellationToken)
    {
        var full = new List<string>();
        if (!await stores.Identity.IsEmptyAsync(cancellationToken))
        {
            full.Add("users or blocks");
        }
        if (!await stores.Messaging.IsEmptyAsync(cancellationToken))
        {
            full.Add("conversations or messages");
        }
        if (!await stores.Media.IsEmptyAsync(cancellationToken))
        {
            full.Add("media metadata");
        }
        if (stores.BlobDirectory is { } blobs && Directory.Exists(blobs) && Directory.EnumerateFiles(blobs, "*", SearchOption.AllDirectories).Any())
        {
            full.Add($"blobs in {blobs}");
        }
        return full;
    }

    private async Task<long> CopyAsync<T>(ZipArchive zip, string entryName, JsonTypeInfo<T> type,
        Func<IReadOnlyList<T>, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var batch in JsonLines.ReadAsync(zip, entryName, type, cancellationToken).BatchAsync(BatchSize, cancellationToken))
        {
            try
            {
                await write(batch, cancellationToken);
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or MongoDB.Driver.MongoException)
            {
                throw new AdminException($"Writing {entryName} (records {count + 1} to {count + batch.Count}) failed: {e.Message}");
            }
            count += batch.Count;
        }
        await log.WriteLineAsync($"imported {count} records from {entryName}");
        return count;
    }

    private async Task<long> CopyBlobsAsync(ZipArchive zip, CancellationToken cancellationToken)
    {
        var staging = Path.Combine(Path.GetTempPath(), $"chat-admin-{Guid.NewGuid():N}");
        PrivateFiles.CreateDirectory(staging);
        long count = 0;
        try
        {
            foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith(ArchiveFormat.BlobPrefix, StringComparison.Ordinal)))
            {
                var key = entry.FullName[ArchiveFormat.BlobPrefix.Length..];
                try
                {
                    BlobKeys.Validate(key);
                }
                catch (ArgumentException)
                {
                    throw new AdminException($"The export holds a blob named '{entry.FullName}', which is not a blob key: it is damaged.");
                }
                // The blob store takes a staged file, as it does from an upload; it moves the file in (or drops it when the blob is there).
                var staged = Path.Combine(staging, key);
                await using (var target = PrivateFiles.CreateNew(staged, 64 * 1024))
                await using (var source = entry.Open())
                {
                    await source.CopyToAsync(target, cancellationToken);
                }
                await stores.Blobs.PutAsync(key, staged, cancellationToken);
                count++;
            }
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
        await log.WriteLineAsync($"imported {count} blobs");
        return count;
    }
}
