using Chat.Messaging.Conversations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Messaging.Apis;

public static class ReadMarkersApi
{
    public static RouteHandlerBuilder MapReadMarkersApi(this IEndpointRouteBuilder routes) =>
        routes.MapPut("/api/conversations/{conversationId:long}/read", MarkReadAsync).WithTags("Read markers");

    /// <summary>Moves the caller's read marker forward to <c>seq</c> (the same path as the hub's MarkRead).</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> MarkReadAsync(
        long conversationId, ReadMarkerRequest request, HttpContext context, ConversationCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.MarkReadAsync(conversationId, context.User.GetUserId(), request.Seq, cancellationToken);
        return outcome.Error is { } error ? MessagingResults.Problem(error) : TypedResults.NoContent();
    }
}
