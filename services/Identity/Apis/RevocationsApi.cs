using Chat.Identity.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Identity.Apis;

/// <summary>The internal feed every token-validating process polls, so a revoked session stops working within seconds.</summary>
public static class RevocationsApi
{
    public static RouteGroupBuilder MapRevocationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup($"{InternalApiOptions.PathPrefix}/identity/revocations").WithTags("Internal").RequireInternalKey();
        group.MapGet("/", ReadRevocationsAsync);
        return group;
    }

    /// <summary>Sessions revoked since <paramref name="after"/> (a cursor from the previous answer; 0 for every live one).</summary>
    public static async Task<Ok<RevokedSessionPage>> ReadRevocationsAsync(long? after, SessionRevocationFeed feed, CancellationToken cancellationToken) =>
        TypedResults.Ok(await feed.ReadAsync(after ?? 0, cancellationToken));
}
