using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.Media.Apis;

/// <summary>The limits a client learns from the server rather than assuming (the upload size it checks before sending).</summary>
public static class MediaLimitsApi
{
    public static RouteHandlerBuilder MapMediaLimitsApi(this IEndpointRouteBuilder routes) =>
        // A literal segment: it never collides with /api/media/{id:long}.
        routes.MapGet("/api/media/limits", GetLimits).WithTags("Media")
            .WithName("GetMediaLimits").WithSummary("The largest upload, in bytes.");

    public static Ok<MediaLimits> GetLimits(IOptions<MediaOptions> options) => TypedResults.Ok(new MediaLimits(options.Value.MaxUploadBytes));
}
