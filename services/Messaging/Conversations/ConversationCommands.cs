using Chat.Messaging.Contracts;
using Chat.Messaging.Messages;
using Chat.Messaging.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Conversations;

/// <summary>
/// Groups and read markers: validate, ask the people being added, change the store, tell the members. A refusal is
/// thrown as a <see cref="MessagingError"/>.
/// </summary>
public sealed class ConversationCommands(
    IConversationStore conversations,
    GroupAddConsent consent,
    ConversationChangeFanOut fanOut,
    IChatEvents events,
    IOptions<MessagingOptions> options)
{
    /// <summary>
    /// The caller's view of the new group (without a last message). Refused as a whole (nothing created) when the title
    /// or size is wrong, checked before anyone is looked up, or when anyone named does not exist or does not accept being added.
    /// </summary>
    public async Task<ConversationView> CreateGroupAsync(long ownerId, string? title, IReadOnlyList<long>? memberIds, CancellationToken cancellationToken)
    {
        ValidateNewGroup(ownerId, title, memberIds);
        var others = (memberIds ?? []).Distinct().Where(id => id != ownerId).ToList();
        await consent.EnsureAllowedAsync(ownerId, others, "memberIds", cancellationToken);
        var change = await conversations.CreateGroupAsync(ownerId, title!.Trim(), others, cancellationToken);
        await fanOut.PublishAsync(change);
        return ConversationViews.For(change.Conversation!, ownerId, null);
    }

    /// <summary>The owner adds someone to the group, if that person exists and accepts being added by them.</summary>
    public async Task<ConversationView> AddMemberAsync(long conversationId, long actorId, long userId, CancellationToken cancellationToken)
    {
        await consent.EnsureAllowedAsync(actorId, [userId], "userId", cancellationToken);
        return await ApplyAsync(await conversations.AddMemberAsync(conversationId, actorId, userId, options.Value.MaxGroupMembers, cancellationToken),
            conversationId, actorId, cancellationToken, "Only the owner of a group adds members.");
    }

    /// <summary>The owner removes someone, or a member removes themself (leaves).</summary>
    public async Task RemoveMemberAsync(long conversationId, long actorId, long userId, CancellationToken cancellationToken) =>
        await ApplyAsync(await conversations.RemoveMemberAsync(conversationId, actorId, userId, cancellationToken),
            conversationId, actorId, cancellationToken, "Only the owner of a group removes others; anyone may leave.");

    public async Task<ConversationView> RenameAsync(long conversationId, long actorId, string? title, CancellationToken cancellationToken)
    {
        ValidateTitle(title);
        return await ApplyAsync(await conversations.RenameAsync(conversationId, actorId, title!.Trim(), cancellationToken),
            conversationId, actorId, cancellationToken, "Only groups have titles.");
    }

    /// <summary>Moves the caller's read marker forward to <paramref name="seq"/>; answers where it is now.</summary>
    public async Task<long> MarkReadAsync(long conversationId, long userId, long seq, CancellationToken cancellationToken)
    {
        if (seq < 0)
        {
            throw MessagingError.Invalid("seq", "A seq is not negative.");
        }
        var change = await conversations.MarkReadAsync(conversationId, userId, seq, cancellationToken);
        if (change.Status == ChangeStatus.NotFound)
        {
            throw MessagingError.ConversationNotFound(conversationId);
        }
        if (change.Status == ChangeStatus.Done)
        {
            // Everyone, the reader's other devices included, so their unread counts clear too.
            await events.ReadMarkerChangedAsync(new ReadMarker(conversationId, userId, change.LastReadSeq), change.MemberIds);
        }
        return change.LastReadSeq;
    }

    private void ValidateNewGroup(long ownerId, string? title, IReadOnlyList<long>? memberIds)
    {
        ValidateTitle(title);
        var count = (memberIds ?? []).Append(ownerId).Distinct().Count();
        if (count < 2 || count > options.Value.MaxGroupMembers)
        {
            throw MessagingError.Invalid("memberIds", $"A group has 2 to {options.Value.MaxGroupMembers} members, you included; this one would have {count}.");
        }
    }

    private void ValidateTitle(string? title)
    {
        if (string.IsNullOrWhiteSpace(title) || title.Trim().Length > options.Value.MaxTitleLength)
        {
            throw MessagingError.Invalid("title", $"A group title is 1 to {options.Value.MaxTitleLength} characters.");
        }
    }

    /// <summary>The actor's view after the change (without a last message), once the members are told; or the refusal.</summary>
    private async Task<ConversationView> ApplyAsync(
        ConversationChange change, long conversationId, long actorId, CancellationToken cancellationToken, string notAllowed)
    {
        switch (change.Status)
        {
            case ChangeStatus.NotFound:
                throw MessagingError.ConversationNotFound(conversationId);
            case ChangeStatus.NotAllowed:
                throw MessagingError.NotAllowed(notAllowed);
            case ChangeStatus.Full:
                throw MessagingError.GroupFull(options.Value.MaxGroupMembers);
            case ChangeStatus.Unchanged:
                var current = await conversations.FindForMemberAsync(conversationId, actorId, cancellationToken)
                    ?? throw MessagingError.ConversationNotFound(conversationId);
                return ConversationViews.For(current, actorId, null);
        }
        await fanOut.PublishAsync(change);
        return ConversationViews.For(change.Conversation!, actorId, null);
    }
}
