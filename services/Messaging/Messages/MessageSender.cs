using Chat.Messaging.Contracts;
using Chat.Messaging.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Messages;

/// <summary>A stored send: its ack, and whether it was a retry of one already stored (HTTP answers 200 then, not 201).</summary>
public readonly record struct SentMessage(SendMessageResult Ack, bool Replayed);

/// <summary>
/// The one path a message takes, from the hub or from HTTP: validate, store, fan out. Edits and deletes likewise.
/// A send from the hub names its connection: the ack tells it the seq, so the fan-out skips it. A refusal is thrown
/// as a <see cref="MessagingError"/>.
/// </summary>
public sealed class MessageSender(
    IMessageStore messages, IChatEvents events, MediaCatalog media, MediaReferenceDispatcher mediaReferences, IOptions<MessagingOptions> options)
{
    public async Task<SentMessage> SendAsync(
        long senderId, long conversationId, string? clientMessageId, string? text, IReadOnlyList<long>? mediaIds,
        CancellationToken cancellationToken, string? senderConnectionId = null)
    {
        if (MessageRules.Validate(clientMessageId, text, mediaIds, options.Value) is { } invalid)
        {
            throw invalid;
        }
        if (mediaIds is { Count: > 0 })
        {
            await media.EnsureAttachableAsync(senderId, conversationId, mediaIds, cancellationToken);
        }

        // Past validation the send is not the caller's to cancel: a message that commits is always fanned out, so a
        // retry that finds it (Duplicate) rightly pushes nothing again.
        var result = await messages.AppendAsync(
            new NewMessage(conversationId, senderId, clientMessageId!, text ?? string.Empty, mediaIds ?? []), CancellationToken.None);
        switch (result.Status)
        {
            case AppendStatus.NotMember:
                throw MessagingError.ConversationNotFound(conversationId);
            case AppendStatus.Blocked:
                throw MessagingError.Blocked();
            case AppendStatus.Duplicate:
                // The first attempt already fanned out; a retry only learns its seq.
                return new SentMessage(Ack(result.Message!), Replayed: true);
        }

        var message = result.Message!;
        if (message.Media.Count > 0)
        {
            // Media shows an upload to its uploader alone until a message takes it: tell it before anyone is told to fetch.
            await mediaReferences.DeliverNowAsync(MediaReferenceChange.For(conversationId, message.Seq, message.Media, attached: true));
        }
        await events.MessageReceivedAsync(message.ToView(), result.MemberIds, senderConnectionId);
        return new SentMessage(Ack(message), Replayed: false);
    }

    public async Task<MessageView> EditAsync(long userId, long conversationId, long seq, string? text, CancellationToken cancellationToken)
    {
        if (MessageRules.ValidateText(text, options.Value) is { } invalid)
        {
            throw invalid;
        }
        return await NotifyAsync(await messages.EditAsync(conversationId, userId, seq, text!, CancellationToken.None), conversationId, seq);
    }

    public async Task DeleteAsync(long userId, long conversationId, long seq, CancellationToken cancellationToken)
    {
        var change = await messages.DeleteAsync(conversationId, userId, seq, CancellationToken.None);
        try
        {
            await NotifyAsync(change, conversationId, seq);
        }
        finally
        {
            if (change.ReleasedMedia is { Count: > 0 })
            {
                // A deleted attachment stops being downloadable before the delete answers. Releases go out through the
                // outbox in the order written, never ahead of another message's pending attachment of the same media.
                await mediaReferences.DrainNowAsync();
            }
        }
    }

    private static SendMessageResult Ack(ChatMessage message) => new(message.Seq, message.CreatedAt);

    private async Task<MessageView> NotifyAsync(MessageChange change, long conversationId, long seq)
    {
        switch (change.Status)
        {
            case ChangeStatus.NotFound:
                throw MessagingError.MessageNotFound(conversationId, seq);
            case ChangeStatus.NotAllowed:
                throw MessagingError.NotAllowed("Only the sender can change a message, and system messages cannot be changed.");
            case ChangeStatus.Unchanged:
                throw MessagingError.NotAllowed("A deleted message cannot be changed.");
        }
        var view = change.Message!.ToView();
        await events.MessageUpdatedAsync(view, change.MemberIds);
        return view;
    }
}
