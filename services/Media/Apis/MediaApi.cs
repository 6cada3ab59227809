using System.Security.Cryptography;
using Chat.Media.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Chat.Media.Apis;

public static class MediaApi
{
    private const string ProblemTypePrefix = "https://chat.example/problems/";

    public static RouteGroupBuilder MapMediaApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/media").WithTags("Media");
        group.MapPost("/", UploadAsync).DisableAntiforgery();
        group.MapGet("/{id:long}", DownloadAsync);
        return group;
    }

    /// <summary>Streams the multipart <c>file</c> part to disk while hashing it; nothing is held whole in memory.</summary>
    public static async Task<Results<Created<UploadedMedia>, ProblemHttpResult>> UploadAsync(
        long? conversationId,
        HttpContext context,
        ConversationAccess access,
        IBlobStore blobs,
        IMediaStore media,
        IOptions<MediaOptions> options,
        CancellationToken cancellationToken)
    {
        var max = options.Value.MaxUploadBytes;
        if (conversationId is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid-request", "The request is invalid", "Say which conversation: ?conversationId=.");
        }
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return Problem(StatusCodes.Status400BadRequest, "malformed-upload", "Malformed upload", "Send multipart/form-data with a 'file' part.");
        }
        if (!await access.IsMemberAsync(conversationId.Value, context.Request.Headers.Authorization.ToString(), cancellationToken))
        {
            return Problem(StatusCodes.Status404NotFound, "conversation-not-found", "Conversation not found",
                $"There is no conversation {conversationId} that you are a member of.");
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = max + 64 * 1024;
        }

        var reader = new MultipartReader(boundary, context.Request.Body);
        MultipartSection? section;
        try
        {
            while ((section = await reader.ReadNextSectionAsync(cancellationToken)) is not null)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && disposition.IsFileDisposition()
                    && disposition.Name.Value == "file")
                {
                    var fileName = SafeFileName(disposition.FileNameStar.Value ?? disposition.FileName.Value);
                    return await StoreAsync(section.Body, fileName, conversationId.Value, context.User.GetUserId(), max, blobs, media, options.Value, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or BadHttpRequestException)
        {
            return Problem(StatusCodes.Status400BadRequest, "malformed-upload", "Malformed upload", e.Message);
        }
        return Problem(StatusCodes.Status400BadRequest, "malformed-upload", "Malformed upload", "The upload has no 'file' part.");
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadAsync(
        long id, HttpContext context, ConversationAccess access, IMediaStore media, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var item = await media.FindAsync(id, cancellationToken);
        // Unknown media and media of a conversation the caller is not in look the same.
        if (item is null || !await access.IsMemberAsync(item.ConversationId, context.Request.Headers.Authorization.ToString(), cancellationToken)
            || await blobs.OpenReadAsync(item.BlobKey, cancellationToken) is not { } stream)
        {
            return Problem(StatusCodes.Status404NotFound, "media-not-found", "Media not found", $"There is no media {id} that you can see.");
        }
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
        return TypedResults.Stream(stream, item.ContentType, item.FileName, enableRangeProcessing: true);
    }

    private static async Task<Results<Created<UploadedMedia>, ProblemHttpResult>> StoreAsync(
        Stream body, string fileName, long conversationId, long uploaderId, long max,
        IBlobStore blobs, IMediaStore media, MediaOptions options, CancellationToken cancellationToken)
    {
        var staging = Path.Combine(options.DataDirectory, "staging");
        Directory.CreateDirectory(staging);
        var stagedPath = Path.Combine(staging, Guid.NewGuid().ToString("N"));
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var header = new byte[ContentSniffer.HeaderLength];
            var headerLength = 0;
            long size = 0;
            await using (var staged = new FileStream(stagedPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > max)
                    {
                        return Problem(StatusCodes.Status413PayloadTooLarge, "file-too-large", "File too large",
                            $"A file has at most {max} bytes.");
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
                return Problem(StatusCodes.Status400BadRequest, "empty-file", "Empty file", "The file has no bytes.");
            }

            var key = Convert.ToHexStringLower(hash.GetHashAndReset());
            await blobs.PutAsync(key, stagedPath, cancellationToken);
            var contentType = ContentSniffer.Detect(header.AsSpan(0, headerLength));
            var item = await media.AddAsync(conversationId, uploaderId, key, contentType, size, fileName, cancellationToken);
            return TypedResults.Created($"/api/media/{item.Id}",
                new UploadedMedia(item.Id, item.ConversationId, item.ContentType, item.Size, item.FileName, null, null));
        }
        finally
        {
            if (File.Exists(stagedPath))
            {
                File.Delete(stagedPath);
            }
        }
    }

    private static string SafeFileName(string? name)
    {
        var baseName = Path.GetFileName(name ?? string.Empty);
        var safe = new string(baseName.Where(c => !char.IsControl(c) && c is not ('"' or '\\' or '/')).ToArray()).Trim();
        return safe.Length == 0 ? "file" : safe.Length > 255 ? safe[..255] : safe;
    }

    private static ProblemHttpResult Problem(int status, string code, string title, string detail) =>
        TypedResults.Problem(statusCode: status, type: ProblemTypePrefix + code, title: title, detail: detail);
}
