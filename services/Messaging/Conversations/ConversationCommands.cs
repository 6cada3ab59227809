using Chat.Messaging.Apis;
using Chat.Messaging.Hubs;
using Chat.Messaging.Messages;
using Chat.Messaging.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Conversations;

/// <summary>Group management and read markers: validate, change the store, tell the members.</summary>
public sealed class ConversationCommands(IConversationStore conversations, ChatEvents events, IOptions<MessagingOptions> options)
{
    /// <summary>Title and member count; checked before anyone is looked up.</summary>
    public MessagingError? ValidateNewGroup(long ownerId, string? title, IReadOnlyList<long>? memberIds)
    {
        var count = (memberIds ?? []).Append(ownerId).Distinct().Count();
        return ValidateTitle(title) ?? (count < 2 || count > options.Value.MaxGroupMembers
            ? MessagingError.Invalid("memberIds", $"A group has 2 to {options.Value.MaxGroupMembers} members, you included; this one would have {count}.")
            : null);
    }

    public async Task<Outcome<Conversation>> CreateGroupAsync(long ownerId, string? title, IReadOnlyList<long>? memberIds, CancellationToken cancellationToken)
    {
        if (ValidateNewGroup(ownerId, title, memberIds) is { } invalid)
        {
            return invalid;
        }
        var change = await conversations.CreateGroupAsync(ownerId, title!.Trim(), (memberIds ?? []).Distinct().Where(id => id != ownerId).ToList(), cancellationToken);
        await events.ConversationChangedAsync(change);
        return Outcome<Conversation>.Success(change.Conversation!);
    }

    public async Task<Outcome<Conversation>> AddMemberAsync(long conversationId, long actorId, long userId, CancellationToken cancellationToken) =>
        await NotifyAsync(await conversations.AddMemberAsync(conversationId, actorId, userId, options.Value.MaxGroupMembers, cancellationToken),
            conversationId, actorId, cancellationToken, "Only the owner of a group adds members.");

    public async Task<Outcome<Conversation>> RemoveMemberAsync(long conversationId, long actorId, long userId, CancellationToken cancellationToken) =>
        await NotifyAsync(await conversations.RemoveMemberAsync(conversationId, actorId, userId, cancellationToken),
            conversationId, actorId, cancellationToken, "Only the owner of a group removes others; anyone may leave.");

    public async Task<Outcome<Conversation>> RenameAsync(long conversationId, long actorId, string? title, CancellationToken cancellationToken)
    {
        if (ValidateTitle(title) is { } invalid)
        {
            return invalid;
        }
        return await NotifyAsync(await conversations.RenameAsync(conversationId, actorId, title!.Trim(), cancellationToken),
            conversationId, actorId, cancellationToken, "Only groups have titles.");
    }

    public async Task<Outcome<long>> MarkReadAsync(long conversationId, long userId, long seq, CancellationToken cancellationToken)
    {
        if (seq < 0)
        {
            return MessagingError.Invalid("seq", "A seq is not negative.");
        }
        var change = await conversations.MarkReadAsync(conversationId, userId, seq, cancellationToken);
        if (change.Status == ChangeStatus.NotFound)
        {
            return MessagingError.ConversationNotFound(conversationId);
        }
        if (change.Status == ChangeStatus.Done)
        {
            // Everyone, the reader's other devices included, so their unread counts clear too.
            await events.ReadMarkerChangedAsync(new ReadMarker(conversationId, userId, change.LastReadSeq), change.MemberIds);
        }
        return Outcome<long>.Success(change.LastReadSeq);
    }

    private async Task<Outcome<Conversation>> NotifyAsync(
        ConversationChange change, long conversationId, long actorId, CancellationToken cancellationToken, string notAllowed)
    {
        switch (change.Status)
        {
            case ChangeStatus.NotFound:
                return MessagingError.ConversationNotFound(conversationId);
            case ChangeStatus.NotAllowed:
                return MessagingError.NotAllowed(notAllowed);
            case ChangeStatus.Full:
                return new MessagingError("group-full", "Group full", $"A group has at most {options.Value.MaxGroupMembers} members.");
            case ChangeStatus.Unchanged:
                var current = await conversations.FindForMemberAsync(conversationId, actorId, cancellationToken);
                return current is null ? MessagingError.ConversationNotFound(conversationId) : Outcome<Conversation>.Success(current);
        }
        await events.ConversationChangedAsync(change);
        return Outcome<Conversation>.Success(change.Conversation!);
    }

    private MessagingError? ValidateTitle(string? title) =>
        string.IsNullOrWhiteSpace(title) || title.Trim().Length > options.Value.MaxTitleLength
            ? MessagingError.Invalid("title", $"A group title is 1 to {options.Value.MaxTitleLength} characters.")
            : null;
}
