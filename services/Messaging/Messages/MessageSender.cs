using Chat.Messaging.Hubs;
using Chat.Messaging.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Messages;

public readonly record struct SendOutcome(ChatMessage? Message, bool Replayed, MessagingError? Error);

/// <summary>
/// The one path a message takes, from the hub or from HTTP: validate, store, fan out. Edits and deletes likewise.
/// A send from the hub names its connection: the ack tells it the seq, so the fan-out skips it.
/// </summary>
public sealed class MessageSender(
    IMessageStore messages, ChatEvents events, MediaCatalog media, MediaReferenceDispatcher mediaReferences, IOptions<MessagingOptions> options)
{
    public async Task<SendOutcome> SendAsync(
        long senderId, long conversationId, string? clientMessageId, string? text, IReadOnlyList<long>? mediaIds,
        CancellationToken cancellationToken, string? senderConnectionId = null)
    {
        if (MessageRules.Validate(clientMessageId, text, mediaIds, options.Value) is { } invalid)
        {
            return new SendOutcome(null, false, invalid);
        }

        if (mediaIds is { Count: > 0 }
            && await media.CheckAttachableAsync(senderId, conversationId, mediaIds, cancellationToken) is { } notAttachable)
        {
            return new SendOutcome(null, false, notAttachable);
        }

        // Past validation the send is not the caller's to cancel: a message that commits is always fanned out, so a
        // retry that finds it (Duplicate) rightly pushes nothing again.
        var result = await messages.AppendAsync(
            new NewMessage(conversationId, senderId, clientMessageId!, text ?? string.Empty, mediaIds ?? []), CancellationToken.None);
        switch (result.Status)
        {
            case AppendStatus.NotMember:
                return new SendOutcome(null, false, MessagingError.ConversationNotFound(conversationId));
            case AppendStatus.Blocked:
                return new SendOutcome(null, false, MessagingError.Blocked());
            case AppendStatus.Duplicate:
                // The first attempt already fanned out; a retry only learns its seq.
                return new SendOutcome(result.Message, true, null);
        }

        if (result.Message!.Media.Count > 0)
        {
            // Media shows an upload to its uploader alone until a message takes it: tell it before anyone is told to fetch.
            await mediaReferences.DeliverNowAsync(MediaReferenceChange.For(conversationId, result.Message.Seq, result.Message.Media, attached: true));
        }
        await events.MessageReceivedAsync(result.Message, result.MemberIds, senderConnectionId);
        return new SendOutcome(result.Message, false, null);
    }

    public async Task<Outcome<ChatMessage>> EditAsync(long userId, long conversationId, long seq, string? text, CancellationToken cancellationToken)
    {
        if (MessageRules.ValidateText(text, options.Value) is { } invalid)
        {
            return invalid;
        }
        return await NotifyAsync(await messages.EditAsync(conversationId, userId, seq, text!, CancellationToken.None), conversationId, seq);
    }

    public async Task<Outcome<ChatMessage>> DeleteAsync(long userId, long conversationId, long seq, CancellationToken cancellationToken)
    {
        var change = await messages.DeleteAsync(conversationId, userId, seq, CancellationToken.None);
        var outcome = await NotifyAsync(change, conversationId, seq);
        if (change.ReleasedMedia is { Count: > 0 })
        {
            // A deleted attachment stops being downloadable before the delete answers. Releases go out through the
            // outbox in the order written, never ahead of another message's pending attachment of the same media.
            await mediaReferences.DrainNowAsync();
        }
        return outcome;
    }

    private async Task<Outcome<ChatMessage>> NotifyAsync(MessageChange change, long conversationId, long seq)
    {
        switch (change.Status)
        {
            case ChangeStatus.NotFound:
                return MessagingError.MessageNotFound(conversationId, seq);
            case ChangeStatus.NotAllowed:
                return MessagingError.NotAllowed("Only the sender can change a message, and system messages cannot be changed.");
            case ChangeStatus.Unchanged:
                return MessagingError.NotAllowed("A deleted message cannot be changed.");
        }
        await events.MessageUpdatedAsync(change.Message!, change.MemberIds);
        return Outcome<ChatMessage>.Success(change.Message!);
    }
}
