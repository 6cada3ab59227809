using Chat.Messaging.Contracts;
using Chat.Messaging.Conversations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Messaging.Apis;

public static class ConversationsApi
{
    public static RouteGroupBuilder MapConversationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/conversations").WithTags("Conversations").AnswerErrorsAsProblems();
        group.MapGet("/", ListConversationsAsync)
            .WithName("ListConversations").WithSummary("Every conversation the caller is in, most recently active first.");
        // A literal segment, and {conversationId:long} never matches "limits": the two routes cannot collide.
        group.MapGet("/limits", GetLimits)
            .WithName("GetMessagingLimits").WithSummary("The longest message, the largest group and the most attachments per message.");
        group.MapGet("/{conversationId:long}", GetConversationAsync)
            .WithName("GetConversation").WithSummary("One conversation the caller is in.")
            .ProducesProblems(StatusCodes.Status404NotFound);
        group.MapPost("/direct", OpenDirectConversationAsync).RequireRateLimiting(MessagingRateLimits.Conversations)
            .WithName("OpenDirectConversation").WithSummary("The one direct conversation with a user, created on first use.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        group.MapPost("/groups", CreateGroupAsync).RequireRateLimiting(MessagingRateLimits.Conversations)
            .WithName("CreateGroup").WithSummary("A new group owned by the caller.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        group.MapPatch("/{conversationId:long}", RenameGroupAsync).RequireRateLimiting(MessagingRateLimits.Conversations)
            .WithName("RenameGroup").WithSummary("A member renames a group.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        return group;
    }

    /// <summary>Refused as a whole (nothing created) when anyone named does not exist or does not accept being added.</summary>
    public static async Task<Created<ConversationView>> CreateGroupAsync(
        CreateGroupRequest request, HttpContext context, ConversationCommands commands, CancellationToken cancellationToken)
    {
        var view = await commands.CreateGroupAsync(context.User.GetUserId(), request.Title, request.MemberIds, cancellationToken);
        return TypedResults.Created($"/api/conversations/{view.Id}", view);
    }

    public static async Task<Ok<ConversationView>> RenameGroupAsync(
        long conversationId, RenameRequest request, HttpContext context, ConversationCommands commands, CancellationToken cancellationToken) =>
        TypedResults.Ok(await commands.RenameAsync(conversationId, context.User.GetUserId(), request.Title, cancellationToken));

    public static async Task<Ok<IReadOnlyList<ConversationView>>> ListConversationsAsync(
        HttpContext context, ConversationQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.ListAsync(context.User.GetUserId(), cancellationToken));

    public static async Task<Ok<ConversationView>> GetConversationAsync(
        long conversationId, HttpContext context, ConversationQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.GetAsync(conversationId, context.User.GetUserId(), cancellationToken));

    public static Ok<MessagingLimits> GetLimits(ConversationQueries queries) => TypedResults.Ok(queries.Limits());

    public static async Task<Ok<ConversationView>> OpenDirectConversationAsync(
        OpenDirectRequest request, HttpContext context, DirectConversations direct, CancellationToken cancellationToken) =>
        TypedResults.Ok(await direct.OpenAsync(context.User.GetUserId(), request.UserId, cancellationToken));
}
