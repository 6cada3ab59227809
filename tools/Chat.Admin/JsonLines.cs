using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Chat.Admin;

/// <summary>Streams records into and out of a zip entry, one JSON document a line; nothing is held beyond one record.</summary>
internal static class JsonLines
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public static async Task<long> WriteAsync<T>(ZipArchive zip, string entryName, IAsyncEnumerable<T> records, JsonTypeInfo<T> type,
        CancellationToken cancellationToken)
    {
        await using var stream = zip.CreateEntry(entryName, CompressionLevel.Fastest).Open();
        await using var buffered = new BufferedStream(stream, 64 * 1024);
        long count = 0;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            // JSON escapes control characters inside strings, so a record is always exactly one line.
            await JsonSerializer.SerializeAsync(buffered, record, type, cancellationToken);
            await buffered.WriteAsync(NewLine, cancellationToken);
            count++;
        }
        return count;
    }

    public static async IAsyncEnumerable<T> ReadAsync<T>(ZipArchive zip, string entryName, JsonTypeInfo<T> type,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var entry = zip.GetEntry(entryName) ?? throw new AdminException($"The export has no {entryName}: it is damaged or not a Chat export.");
        using var reader = new StreamReader(entry.Open());
        var line = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }
            T? record;
            try
            {
                record = JsonSerializer.Deserialize(text, type);
            }
            catch (JsonException e)
            {
                throw new AdminException($"{entryName} line {line} is not a valid record: {e.Message}");
            }
            yield return record ?? throw new AdminException($"{entryName} line {line} is empty (null).");
        }
    }

    /// <summary>Hands records on in batches, so a writer commits many rows per transaction without holding them all.</summary>
    public static async IAsyncEnumerable<IReadOnlyList<T>> BatchAsync<T>(this IAsyncEnumerable<T> records, int size,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = new List<T>(size);
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            batch.Add(record);
            if (batch.Count == size)
            {
                yield return batch;
                batch = new List<T>(size);
            }
        }
        if (batch.Count > 0)
        {
            yield return batch;
        }
    }
}
