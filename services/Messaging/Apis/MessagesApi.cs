using Chat.Messaging.Contracts;
using Chat.Messaging.Messages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Messaging.Apis;

public static class MessagesApi
{
    public static RouteGroupBuilder MapMessagesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/conversations/{conversationId:long}/messages").WithTags("Messages").AnswerErrorsAsProblems();
        group.MapGet("/", GetMessagesAsync)
            .WithName("GetMessages").WithSummary("A page of history in ascending seq: the newest, or before or after a seq.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        group.MapPost("/", SendMessageAsync).RequireRateLimiting(MessagingRateLimits.Send)
            .WithName("SendMessage").WithSummary("Sends a message; a retry with the same client message id answers the original.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        group.MapPatch("/{seq:long}", EditMessageAsync).RequireRateLimiting(MessagingRateLimits.Edit)
            .WithName("EditMessage").WithSummary("The sender replaces the text of their message.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        group.MapDelete("/{seq:long}", DeleteMessageAsync).RequireRateLimiting(MessagingRateLimits.Edit)
            .WithName("DeleteMessage").WithSummary("The sender deletes their message; a tombstone keeps its seq.")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        return group;
    }

    /// <summary>The query of a history page: <c>?before=</c> or <c>?after=</c> a seq, and <c>?limit=</c>.</summary>
    public readonly record struct HistoryQuery(long ConversationId, long? Before, long? After, int? Limit);

    public static async Task<Ok<MessagePageView>> GetMessagesAsync(
        [AsParameters] HistoryQuery query, HttpContext context, MessageHistory history, CancellationToken cancellationToken) =>
        TypedResults.Ok(await history.GetPageAsync(
            query.ConversationId, context.User.GetUserId(), query.Before, query.After, query.Limit, cancellationToken));

    public static async Task<Results<Created<SendMessageResult>, Ok<SendMessageResult>>> SendMessageAsync(
        long conversationId, SendMessageRequest request, HttpContext context, MessageSender sender, CancellationToken cancellationToken)
    {
        var sent = await sender.SendAsync(
            context.User.GetUserId(), conversationId, request.ClientMessageId, request.Text, request.MediaIds, cancellationToken);
        return sent.Replayed
            ? TypedResults.Ok(sent.Ack)
            : TypedResults.Created($"/api/conversations/{conversationId}/messages?after={sent.Ack.Seq - 1}&limit=1", sent.Ack);
    }

    public static async Task<Ok<MessageView>> EditMessageAsync(
        long conversationId, long seq, EditMessageRequest request, HttpContext context, MessageSender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.EditAsync(context.User.GetUserId(), conversationId, seq, request.Text, cancellationToken));

    public static async Task<NoContent> DeleteMessageAsync(
        long conversationId, long seq, HttpContext context, MessageSender sender, CancellationToken cancellationToken)
    {
        await sender.DeleteAsync(context.User.GetUserId(), conversationId, seq, cancellationToken);
        return TypedResults.NoContent();
    }
}
