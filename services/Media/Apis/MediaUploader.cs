using System.Security.Cryptography;
using Chat.Media.Images;
using Chat.Media.Storage;
using Chat.Sqlite;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.Media.Apis;

/// <summary>Puts one upload into storage: stage, hash, sniff, check and thumbnail images, then blobs and the row.</summary>
public sealed class MediaUploader(
    IBlobStore blobs, IMediaStore media, ImageThumbnailer thumbnailer, BlobReferenceLock references, IOptions<MediaOptions> options)
{
    public sealed record Outcome(MediaItem? Item, ProblemHttpResult? Problem);

    public async Task<Outcome> StoreAsync(Stream body, string fileName, long conversationId, long uploaderId, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxUploadBytes;
        var staging = Path.Combine(options.Value.DataDirectory, "staging");
        PrivateFiles.CreateDirectory(staging);
        var stagedPath = Path.Combine(staging, Guid.NewGuid().ToString("N"));
        string? thumbnailPath = null;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var header = new byte[ContentSniffer.HeaderLength];
            var headerLength = 0;
            long size = 0;
            await using (var staged = PrivateFiles.CreateNew(stagedPath, 64 * 1024, FileOptions.Asynchronous))
            {
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > max)
                    {
                        return new Outcome(null, MediaProblems.FileTooLarge(max));
                    }
                    var headerPart = Math.Min(read, header.Length - headerLength);
                    buffer.AsSpan(0, headerPart).CopyTo(header.AsSpan(headerLength));
                    headerLength += headerPart;
                    hash.AppendData(buffer, 0, read);
                    await staged.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            if (size == 0)
            {
                return new Outcome(null, MediaProblems.EmptyFile());
            }

            var contentType = ContentSniffer.Detect(header.AsSpan(0, headerLength));
            int? width = null, height = null;
            if (ContentSniffer.IsImage(contentType))
            {
                var image = await thumbnailer.CreateAsync(stagedPath, staging, cancellationToken);
                switch (image.Rejection)
                {
                    case ImageRejection.Corrupt:
                        return new Outcome(null, MediaProblems.CorruptImage());
                    case ImageRejection.TooManyPixels:
                        return new Outcome(null, MediaProblems.ImageTooLarge(image.DeclaredWidth, image.DeclaredHeight, options.Value.MaxImagePixels));
                    case ImageRejection.AnimationTooLarge:
                        return new Outcome(null, MediaProblems.AnimationTooLarge(
                            image.DeclaredWidth, image.DeclaredHeight, image.DeclaredFrames, options.Value.MaxAnimationPixels));
                }
                (width, height, thumbnailPath) = (image.Thumbnail!.Width, image.Thumbnail.Height, image.Thumbnail.StagedPath);
            }

            var key = Convert.ToHexStringLower(hash.GetHashAndReset());
            var thumbnailKey = thumbnailPath is null ? null : await HashFileAsync(thumbnailPath, cancellationToken);
            using (await references.AcquireAsync(cancellationToken))
            {
                await blobs.PutAsync(key, stagedPath, cancellationToken);
                if (thumbnailKey is not null)
                {
                    await blobs.PutAsync(thumbnailKey, thumbnailPath!, cancellationToken);
                }
                var item = await media.AddAsync(
                    new NewMedia(conversationId, uploaderId, key, contentType, size, fileName, width, height, thumbnailKey), cancellationToken);
                return new Outcome(item, null);
            }
        }
        finally
        {
            File.Delete(stagedPath);
            if (thumbnailPath is not null)
            {
                File.Delete(thumbnailPath);
            }
        }
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }
}
