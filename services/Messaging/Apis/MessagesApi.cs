using Chat.Messaging.Messages;
using Chat.Messaging.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Apis;

public static class MessagesApi
{
    public static RouteGroupBuilder MapMessagesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/conversations/{conversationId:long}/messages").WithTags("Messages");
        group.MapGet("/", GetMessagesAsync);
        group.MapPost("/", SendMessageAsync).RequireRateLimiting(MessagingRateLimits.Send);
        group.MapPatch("/{seq:long}", EditMessageAsync).RequireRateLimiting(MessagingRateLimits.Edit);
        group.MapDelete("/{seq:long}", DeleteMessageAsync).RequireRateLimiting(MessagingRateLimits.Edit);
        return group;
    }

    public static async Task<Results<Ok<ChatMessage>, ProblemHttpResult>> EditMessageAsync(
        long conversationId, long seq, EditMessageRequest request, HttpContext context, MessageSender sender, CancellationToken cancellationToken)
    {
        var outcome = await sender.EditAsync(context.User.GetUserId(), conversationId, seq, request.Text, cancellationToken);
        return outcome.Error is { } error ? MessagingResults.Problem(error) : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteMessageAsync(
        long conversationId, long seq, HttpContext context, MessageSender sender, CancellationToken cancellationToken)
    {
        var outcome = await sender.DeleteAsync(context.User.GetUserId(), conversationId, seq, cancellationToken);
        return outcome.Error is { } error ? MessagingResults.Problem(error) : TypedResults.NoContent();
    }

    public static async Task<Results<Ok<MessagePage>, ProblemHttpResult>> GetMessagesAsync(
        long conversationId,
        long? before,
        long? after,
        int? limit,
        HttpContext context,
        IConversationStore conversations,
        IMessageStore messages,
        IOptions<MessagingOptions> options,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (limit is < 1 || limit > settings.MaxPageSize)
        {
            return MessagingResults.Problem(MessagingError.Invalid("limit", $"The limit is 1 to {settings.MaxPageSize}."));
        }
        if (before is not null && after is not null)
        {
            return MessagingResults.Problem(MessagingError.Invalid("before", "Ask for messages before a seq or after one, not both."));
        }
        if (before < 0 || after < 0)
        {
            return MessagingResults.Problem(MessagingError.Invalid(before is not null ? "before" : "after", "A seq is not negative."));
        }
        if (await conversations.FindForMemberAsync(conversationId, context.User.GetUserId(), cancellationToken) is null)
        {
            return MessagingResults.Problem(MessagingError.ConversationNotFound(conversationId));
        }
        return TypedResults.Ok(await messages.GetPageAsync(conversationId, before, after, limit ?? settings.DefaultPageSize, cancellationToken));
    }

    public static async Task<Results<Created<SendMessageResult>, Ok<SendMessageResult>, ProblemHttpResult>> SendMessageAsync(
        long conversationId, SendMessageRequest request, HttpContext context, MessageSender sender, CancellationToken cancellationToken)
    {
        var outcome = await sender.SendAsync(
            context.User.GetUserId(), conversationId, request.ClientMessageId, request.Text, request.MediaIds, cancellationToken);
        if (outcome.Error is { } error)
        {
            return MessagingResults.Problem(error);
        }

        var message = outcome.Message!;
        var result = new SendMessageResult(message.Seq, message.CreatedAt);
        return outcome.Replayed
            ? TypedResults.Ok(result)
            : TypedResults.Created($"/api/conversations/{conversationId}/messages?after={message.Seq - 1}&limit=1", result);
    }
}
