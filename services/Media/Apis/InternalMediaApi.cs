using Chat.Media.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Media.Apis;

/// <summary>What Messaging asks of Media: whose a media id is (checked on send), and which media retention dropped.</summary>
public static class InternalMediaApi
{
    public const int MaxReleaseBatch = 1000;

    public static RouteGroupBuilder MapInternalMediaApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup($"{InternalApiOptions.PathPrefix}/media").WithTags("Internal").AllowAnonymous();
        group.MapGet("/{id:long}", GetAsync);
        group.MapPost("/release", ReleaseAsync);
        return group;
    }

    public static async Task<Results<Ok<InternalMediaInfo>, ProblemHttpResult>> GetAsync(long id, IMediaStore media, CancellationToken cancellationToken) =>
        await media.FindAsync(id, cancellationToken) is { } item
            ? TypedResults.Ok(new InternalMediaInfo(item.Id, item.ConversationId, item.UploaderId, item.ContentType, item.Size, item.FileName, item.Width, item.Height))
            : MediaProblems.MediaNotFound(id);

    /// <summary>Forgets the media and deletes every blob (original or thumbnail) that no remaining media references.</summary>
    public static async Task<Results<Ok<ReleaseMediaResult>, ValidationProblem>> ReleaseAsync(
        ReleaseMediaRequest request, IMediaStore media, IBlobStore blobs, BlobReferenceLock references, CancellationToken cancellationToken)
    {
        if (request.MediaIds is null || request.MediaIds.Count > MaxReleaseBatch)
        {
            return MediaProblems.Invalid("mediaIds", $"Send 0 to {MaxReleaseBatch} media ids.");
        }
        using (await references.AcquireAsync(cancellationToken))
        {
            var (released, unreferenced) = await media.ReleaseAsync(request.MediaIds, cancellationToken);
            foreach (var key in unreferenced)
            {
                await blobs.DeleteAsync(key, cancellationToken);
            }
            return TypedResults.Ok(new ReleaseMediaResult(released, unreferenced.Count));
        }
    }
}
