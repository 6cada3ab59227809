using Chat.Media.Signing;
using Chat.Media.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Chat.Media.Apis;

/// <summary>Uploads, and what a member may know about a media item (with fresh signed URLs).</summary>
public static class MediaApi
{
    /// <summary>Room for the multipart boundaries and part headers around the file itself.</summary>
    public const long MultipartOverheadBytes = 64 * 1024;

    public static RouteGroupBuilder MapMediaApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/media").WithTags("Media");
        group.MapPost("/", UploadAsync)
            .WithSummary("Upload a file to a conversation")
            .WithDescription("`?conversationId=`, multipart/form-data with one `file` part. The type comes from the bytes; an image gets its size and a WebP thumbnail. " +
                "Until a message carries it, only you can see it. 400 `invalid-request`, `malformed-upload`, `empty-file`; 404 `conversation-not-found`; " +
                "413 `file-too-large`; 422 `corrupt-image`, `image-too-large`, `animation-too-large`.")
            .AddOpenApiOperationTransformer(DescribeUploadForm)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .DisableAntiforgery()
            .RequireRateLimiting(MediaRateLimitOptions.UploadPolicy);
        group.MapGet("/{id:long}/info", GetInfoAsync)
            .WithSummary("A media item's metadata, with fresh signed URLs")
            .WithDescription("For members of its conversation (for its uploader alone until a message carries it); 404 `media-not-found` for anyone else.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id:long}", DeleteAsync)
            .WithSummary("Discard an upload no message carries")
            .WithDescription("The uploader only. 409 `media-attached` once a message carries it (it goes when that message is deleted); 404 `media-not-found` for anyone else.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    /// <summary>The handler reads the multipart body itself, so the document is told its one part here.</summary>
    private static Task DescribeUploadForm(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "file" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "The file; its name labels downloads." },
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }

    /// <summary>Streams the multipart <c>file</c> part to disk while hashing it; nothing is held whole in memory.</summary>
    public static async Task<Results<Created<MediaInfo>, ProblemHttpResult>> UploadAsync(
        long? conversationId, HttpContext context, [AsParameters] UploadServices services, CancellationToken cancellationToken)
    {
        var (access, uploader, urls, options) = services;
        if (conversationId is null)
        {
            return MediaProblems.MissingConversation();
        }
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return MediaProblems.MalformedUpload("Send multipart/form-data with a 'file' part.");
        }
        var userId = context.User.GetUserId();
        if (!await access.IsMemberAsync(userId, conversationId.Value, cancellationToken))
        {
            return MediaProblems.ConversationNotFound(conversationId.Value);
        }
        var max = options.Value.MaxUploadBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = max + MultipartOverheadBytes;
        }

        var reader = new MultipartReader(boundary, context.Request.Body);
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && disposition.IsFileDisposition()
                    && disposition.Name.Value == "file")
                {
                    var declaredName = disposition.FileNameStar.Value ?? disposition.FileName.Value;
                    // Refused, not stripped: a bidi override or zero-width character makes a name pass for another.
                    if (InvisibleText.FindFirst(declaredName) is { } refused)
                    {
                        return MediaProblems.InvalidFileName(InvisibleText.Describe(refused));
                    }
                    var fileName = SafeFileName(declaredName);
                    var outcome = await uploader.StoreAsync(section.Body, fileName, conversationId.Value, userId, cancellationToken);
                    return outcome.Item is { } item
                        ? TypedResults.Created($"/api/media/{item.Id}", Describe(item, userId, urls))
                        : outcome.Problem!;
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return MediaProblems.FileTooLarge(max);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or BadHttpRequestException)
        {
            return MediaProblems.MalformedUpload(e.Message);
        }
        return MediaProblems.MalformedUpload("The upload has no 'file' part.");
    }

    /// <summary>What an upload needs from the container.</summary>
    public sealed record UploadServices(ConversationAccess Access, MediaUploader Uploader, SignedMediaUrls Urls, IOptions<MediaOptions> Options);

    /// <summary>The metadata and fresh signed URLs, for members of the media's conversation only (for its uploader alone until sent).</summary>
    public static async Task<Results<Ok<MediaInfo>, ProblemHttpResult>> GetInfoAsync(
        long id, HttpContext context, ConversationAccess access, IMediaStore media, SignedMediaUrls urls, CancellationToken cancellationToken)
    {
        var userId = context.User.GetUserId();
        var item = await media.FindAsync(id, cancellationToken);
        // Unknown media, an upload someone else has not sent, and media of a conversation the caller is not in look the same.
        if (item is null || !item.VisibleTo(userId)
            || !await access.IsMemberAsync(userId, item.ConversationId, cancellationToken))
        {
            return MediaProblems.MediaNotFound(id);
        }
        return TypedResults.Ok(Describe(item, userId, urls));
    }

    /// <summary>
    /// The uploader drops an upload they have not sent (the × in the composer). Anyone else's, or unknown, is 404 as on
    /// every other route; a sent one is 409 <c>media-attached</c>: it goes when its message is deleted.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        long id, HttpContext context, MediaReclaimer reclaimer, CancellationToken cancellationToken) =>
        await reclaimer.DeleteUploadAsync(id, context.User.GetUserId(), cancellationToken) switch
        {
            UploadDeletionStatus.Deleted => TypedResults.NoContent(),
            UploadDeletionStatus.Attached => MediaProblems.MediaAttached(id),
            _ => MediaProblems.MediaNotFound(id),
        };

    private static MediaInfo Describe(MediaItem item, long userId, SignedMediaUrls urls) => new(
        item.Id, item.ConversationId, item.ContentType, item.Size, item.FileName, item.Width, item.Height,
        urls.Create(item.Id, userId),
        item.ThumbnailKey is null ? null : urls.Create(item.Id, userId, thumbnail: true));

    /// <summary>The declared name without any directory part, control characters or quotes; it only ever labels a download.</summary>
    public static string SafeFileName(string? name)
    {
        var baseName = Path.GetFileName((name ?? string.Empty).Replace('\\', '/'));
        var safe = new string(baseName.Where(c => !char.IsControl(c) && c is not ('"' or '\\' or '/' or ';')).ToArray()).Trim().TrimStart('.');
        return safe.Length == 0 ? "file" : safe.Length > 255 ? safe[..255] : safe;
    }
}
