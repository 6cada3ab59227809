using Chat.Messaging.Conversations;
using Chat.Messaging.Hubs;
using Chat.Messaging.Messages;
using Chat.Messaging.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Messaging.Apis;

public static class ConversationsApi
{
    public static RouteGroupBuilder MapConversationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/conversations").WithTags("Conversations");
        group.MapGet("/", ListConversationsAsync);
        group.MapGet("/{conversationId:long}", GetConversationAsync);
        group.MapPost("/direct", OpenDirectConversationAsync).RequireRateLimiting(MessagingRateLimits.Conversations);
        group.MapPost("/groups", CreateGroupAsync).RequireRateLimiting(MessagingRateLimits.Conversations);
        group.MapPatch("/{conversationId:long}", RenameGroupAsync).RequireRateLimiting(MessagingRateLimits.Conversations);
        return group;
    }

    /// <summary>Refused as a whole (nothing created) when anyone named does not exist or does not accept being added.</summary>
    public static async Task<Results<Created<ConversationView>, ProblemHttpResult>> CreateGroupAsync(
        CreateGroupRequest request, HttpContext context, GroupAddConsent consent, ConversationCommands commands, CancellationToken cancellationToken)
    {
        var userId = context.User.GetUserId();
        if (commands.ValidateNewGroup(userId, request.Title, request.MemberIds) is { } invalid)
        {
            return MessagingResults.Problem(invalid);
        }
        if (await consent.CheckAsync(userId, (request.MemberIds ?? []).Distinct().Where(id => id != userId).ToList(), cancellationToken) is { } refused)
        {
            return MessagingResults.Problem(refused with { Field = "memberIds" });
        }
        var outcome = await commands.CreateGroupAsync(userId, request.Title, request.MemberIds, cancellationToken);
        return outcome.Error is { } error
            ? MessagingResults.Problem(error)
            : TypedResults.Created($"/api/conversations/{outcome.Value!.Id}", ConversationView.For(outcome.Value, userId, null));
    }

    public static async Task<Results<Ok<ConversationView>, ProblemHttpResult>> RenameGroupAsync(
        long conversationId, RenameRequest request, HttpContext context, ConversationCommands commands, CancellationToken cancellationToken)
    {
        var userId = context.User.GetUserId();
        var outcome = await commands.RenameAsync(conversationId, userId, request.Title, cancellationToken);
        return outcome.Error is { } error
            ? MessagingResults.Problem(error)
            : TypedResults.Ok(ConversationView.For(outcome.Value!, userId, null));
    }

    public static async Task<Ok<IReadOnlyList<ConversationView>>> ListConversationsAsync(
        HttpContext context, IConversationStore conversations, IMessageStore messages, CancellationToken cancellationToken)
    {
        var userId = context.User.GetUserId();
        return TypedResults.Ok(await ConversationViews.ListAsync(userId, conversations, messages, cancellationToken));
    }

    public static async Task<Results<Ok<ConversationView>, ProblemHttpResult>> GetConversationAsync(
        long conversationId, HttpContext context, IConversationStore conversations, IMessageStore messages, CancellationToken cancellationToken)
    {
        var userId = context.User.GetUserId();
        var conversation = await conversations.FindForMemberAsync(conversationId, userId, cancellationToken);
        if (conversation is null)
        {
            return MessagingResults.Problem(MessagingError.ConversationNotFound(conversationId));
        }
        var last = await messages.GetLastMessagesAsync([conversationId], cancellationToken);
        return TypedResults.Ok(ConversationView.For(conversation, userId, last.GetValueOrDefault(conversationId)));
    }

    public static async Task<Results<Ok<ConversationView>, ProblemHttpResult>> OpenDirectConversationAsync(
        OpenDirectRequest request,
        HttpContext context,
        UserDirectory users,
        IConversationStore conversations,
        IMessageStore messages,
        IBlockStore blocks,
        ChatEvents events,
        CancellationToken cancellationToken)
    {
        var userId = context.User.GetUserId();
        if (request.UserId == userId)
        {
            return MessagingResults.Problem(MessagingError.Invalid("userId", "A direct conversation is with someone else."));
        }
        if (!await users.ExistsAsync(request.UserId, context.Request.Headers.Authorization.ToString(), cancellationToken))
        {
            return MessagingResults.Problem(MessagingError.UserNotFound(request.UserId));
        }
        if (await blocks.EitherBlockedAsync(userId, request.UserId, cancellationToken))
        {
            return MessagingResults.Problem(MessagingError.Blocked());
        }

        var conversation = await conversations.GetOrCreateDirectAsync(userId, request.UserId, cancellationToken);
        var last = (await messages.GetLastMessagesAsync([conversation.Id], cancellationToken)).GetValueOrDefault(conversation.Id);
        if (conversation.LastSeq == 0)
        {
            // Let the other person's open clients list it before the first message arrives.
            await events.ConversationOpenedAsync(ConversationView.For(conversation, request.UserId, last), request.UserId);
        }
        return TypedResults.Ok(ConversationView.For(conversation, userId, last));
    }
}

/// <summary>Builds the per-member views the list endpoint and Sync share.</summary>
public static class ConversationViews
{
    public static async Task<IReadOnlyList<ConversationView>> ListAsync(
        long userId, IConversationStore conversations, IMessageStore messages, CancellationToken cancellationToken)
    {
        var list = await conversations.ListForMemberAsync(userId, cancellationToken);
        var last = await messages.GetLastMessagesAsync(list.Select(c => c.Id).ToList(), cancellationToken);
        return list.Select(c => ConversationView.For(c, userId, last.GetValueOrDefault(c.Id))).ToList();
    }
}
