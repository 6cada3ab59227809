using Chat.Messaging.Contracts;
using Chat.Messaging.Conversations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Messaging.Apis;

public static class ReadMarkersApi
{
    public static RouteGroupBuilder MapReadMarkersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/conversations/{conversationId:long}/read").WithTags("Read markers").AnswerErrorsAsProblems();
        group.MapPut("/", MarkReadAsync)
            .WithName("MarkRead").WithSummary("Moves the caller's read marker forward.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>Moves the caller's read marker forward to <c>seq</c> (the same path as the hub's MarkRead).</summary>
    public static async Task<NoContent> MarkReadAsync(
        long conversationId, ReadMarkerRequest request, HttpContext context, ConversationCommands commands, CancellationToken cancellationToken)
    {
        await commands.MarkReadAsync(conversationId, context.User.GetUserId(), request.Seq, cancellationToken);
        return TypedResults.NoContent();
    }
}
