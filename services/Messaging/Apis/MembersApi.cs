using Chat.Messaging.Conversations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Messaging.Apis;

public static class MembersApi
{
    public static RouteGroupBuilder MapMembersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/conversations/{conversationId:long}/members").WithTags("Members");
        group.MapPost("/", AddMemberAsync).RequireRateLimiting(MessagingRateLimits.Conversations);
        group.MapDelete("/{userId:long}", RemoveMemberAsync);
        return group;
    }

    /// <summary>The owner adds someone to the group, if that person exists and accepts being added by them.</summary>
    public static async Task<Results<Ok<ConversationView>, ProblemHttpResult>> AddMemberAsync(
        long conversationId, AddMemberRequest request, HttpContext context, GroupAddConsent consent, ConversationCommands commands,
        CancellationToken cancellationToken)
    {
        var actorId = context.User.GetUserId();
        if (await consent.CheckAsync(actorId, [request.UserId], cancellationToken) is { } refused)
        {
            return MessagingResults.Problem(refused);
        }
        var outcome = await commands.AddMemberAsync(conversationId, actorId, request.UserId, cancellationToken);
        return outcome.Error is { } error
            ? MessagingResults.Problem(error)
            : TypedResults.Ok(ConversationView.For(outcome.Value!, actorId, null));
    }

    /// <summary>The owner removes someone, or a member removes themself (leaves).</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveMemberAsync(
        long conversationId, long userId, HttpContext context, ConversationCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.RemoveMemberAsync(conversationId, context.User.GetUserId(), userId, cancellationToken);
        return outcome.Error is { } error ? MessagingResults.Problem(error) : TypedResults.NoContent();
    }
}
