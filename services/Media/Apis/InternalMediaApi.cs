using Chat.Media.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Media.Apis;

/// <summary>What Messaging asks of Media: whose a media id is (checked on send), and which messages took or let go of which media.</summary>
public static class InternalMediaApi
{
    public const int MaxReferenceBatch = 1000;

    public static RouteGroupBuilder MapInternalMediaApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup($"{InternalApiOptions.PathPrefix}/media").WithTags("Internal").AllowAnonymous();
        group.MapGet("/{id:long}", GetAsync);
        group.MapPost("/references", ApplyReferencesAsync);
        return group;
    }

    public static async Task<Results<Ok<InternalMediaInfo>, ProblemHttpResult>> GetAsync(long id, IMediaStore media, CancellationToken cancellationToken) =>
        await media.FindAsync(id, cancellationToken) is { } item
            ? TypedResults.Ok(new InternalMediaInfo(item.Id, item.ConversationId, item.UploaderId, item.ContentType, item.Size, item.FileName, item.Width, item.Height, item.Attached))
            : MediaProblems.MediaNotFound(id);

    /// <summary>
    /// Messages that took media on or let it go (from Messaging's outbox, maybe more than once, in any order): a media
    /// item goes, with every blob no remaining item references, when its last message reference is released.
    /// </summary>
    public static async Task<Results<Ok<MediaReferencesResult>, ValidationProblem>> ApplyReferencesAsync(
        MediaReferencesRequest request, MediaReclaimer reclaimer, CancellationToken cancellationToken)
    {
        if (request.Changes is null || request.Changes.Count > MaxReferenceBatch)
        {
            return MediaProblems.Invalid("changes", $"Send 0 to {MaxReferenceBatch} changes.");
        }
        var changes = request.Changes.Select(c => new MediaReferenceChange(c.MediaId, c.ConversationId, c.Seq, c.Attached)).ToArray();
        var removal = await reclaimer.ApplyReferencesAsync(changes, cancellationToken);
        return TypedResults.Ok(new MediaReferencesResult(removal.Removed, removal.UnreferencedBlobKeys.Count));
    }
}
