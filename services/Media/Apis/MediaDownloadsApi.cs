using Chat.Media.Signing;
using Chat.Media.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Chat.Media.Apis;

/// <summary>
/// The bytes of a media item and of its thumbnail, for members of its conversation: by bearer token (membership
/// asked of Messaging) or by a signed URL (membership was checked when it was minted).
/// </summary>
public static class MediaDownloadsApi
{
    private const string SignedUrlNote =
        "With the bearer token, or without it by the signed URL `/info` and the upload answer give (`?uid=&exp=&sig=`, for `<img src>`; 401 `invalid-signature`).";

    public static RouteGroupBuilder MapMediaDownloadsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/media").WithTags("Media");
        group.MapGet("/{id:long}", DownloadAsync)
            .WithSummary("Download a media item")
            .WithDescription(SignedUrlNote + " Images are served inline, other files as attachments; `ETag` and ranges are supported. 404 `media-not-found`.")
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream")
            .Produces<Stream>(StatusCodes.Status206PartialContent, "application/octet-stream")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:long}/thumbnail", DownloadThumbnailAsync)
            .WithSummary("Download an image's WebP thumbnail")
            .WithDescription(SignedUrlNote + " 404 `media-not-found`, or `thumbnail-not-found` for a file that is not an image.")
            .Produces<Stream>(StatusCodes.Status200OK, "image/webp")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadAsync(
        long id, HttpContext context, ConversationAccess access, IMediaStore media, IBlobStore blobs, CancellationToken cancellationToken)
    {
        if (await FindVisibleAsync(id, context, access, media, cancellationToken) is not { } item
            || await blobs.OpenReadAsync(item.BlobKey, cancellationToken) is not { } stream)
        {
            return MediaProblems.MediaNotFound(id);
        }
        // The type is the sniffed one; only the image types render inline, everything else is a download.
        return Serve(context, stream, item.BlobKey, item.ContentType, item.FileName, inline: ContentSniffer.IsImage(item.ContentType));
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadThumbnailAsync(
        long id, HttpContext context, ConversationAccess access, IMediaStore media, IBlobStore blobs, CancellationToken cancellationToken)
    {
        if (await FindVisibleAsync(id, context, access, media, cancellationToken) is not { } item)
        {
            return MediaProblems.MediaNotFound(id);
        }
        if (item.ThumbnailKey is null || await blobs.OpenReadAsync(item.ThumbnailKey, cancellationToken) is not { } stream)
        {
            return MediaProblems.ThumbnailNotFound(id);
        }
        var name = Path.GetFileNameWithoutExtension(item.FileName) + ".webp";
        return Serve(context, stream, item.ThumbnailKey, Images.ImageThumbnailer.ThumbnailContentType, name, inline: true);
    }

    /// <summary>The item, if the caller may see it; unknown media, someone else's unsent upload and media of someone else's conversation look the same.</summary>
    private static async Task<MediaItem?> FindVisibleAsync(
        long id, HttpContext context, ConversationAccess access, IMediaStore media, CancellationToken cancellationToken)
    {
        var item = await media.FindAsync(id, cancellationToken);
        // Until a message carries it, an upload is its uploader's alone, whatever URL or token is shown.
        if (item is null || !item.VisibleTo(context.User.GetUserId()))
        {
            return null;
        }
        if (context.User.HoldsSignatureFor(id))
        {
            return item;
        }
        // Without a bearer token (a signed URL for someone else's media) there is nothing to ask Messaging with.
        return context.Request.Headers.Authorization.ToString().Length > 0 && await access.IsMemberAsync(context.User.GetUserId(), item.ConversationId, cancellationToken)
            ? item
            : null;
    }

    private static FileStreamHttpResult Serve(HttpContext context, Stream stream, string blobKey, string contentType, string fileName, bool inline)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "private, max-age=31536000, immutable";
        // Even if a browser were talked into rendering the bytes, they run no script and load nothing.
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        var disposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment");
        disposition.SetHttpFileName(fileName);
        headers.ContentDisposition = disposition.ToString();
        // The blob key is the SHA-256 of the bytes: a strong validator for If-None-Match and If-Range.
        return TypedResults.Stream(stream, contentType, entityTag: new EntityTagHeaderValue($"\"{blobKey}\""), enableRangeProcessing: true);
    }
}
