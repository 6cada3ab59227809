using Chat.Messaging.Contracts;
using Chat.Messaging.Conversations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Messaging.Apis;

public static class MembersApi
{
    public static RouteGroupBuilder MapMembersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/conversations/{conversationId:long}/members").WithTags("Members").AnswerErrorsAsProblems();
        group.MapPost("/", AddMemberAsync).RequireRateLimiting(MessagingRateLimits.Conversations)
            .WithName("AddMember").WithSummary("The owner adds someone to the group.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        group.MapDelete("/{userId:long}", RemoveMemberAsync)
            .WithName("RemoveMember").WithSummary("The owner removes someone, or a member leaves.")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>The owner adds someone to the group, if that person exists and accepts being added by them.</summary>
    public static async Task<Ok<ConversationView>> AddMemberAsync(
        long conversationId, AddMemberRequest request, HttpContext context, ConversationCommands commands, CancellationToken cancellationToken) =>
        TypedResults.Ok(await commands.AddMemberAsync(conversationId, context.User.GetUserId(), request.UserId, cancellationToken));

    /// <summary>The owner removes someone, or a member removes themself (leaves).</summary>
    public static async Task<NoContent> RemoveMemberAsync(
        long conversationId, long userId, HttpContext context, ConversationCommands commands, CancellationToken cancellationToken)
    {
        await commands.RemoveMemberAsync(conversationId, context.User.GetUserId(), userId, cancellationToken);
        return TypedResults.NoContent();
    }
}
