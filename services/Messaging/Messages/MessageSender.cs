using Chat.Messaging.Hubs;
using Chat.Messaging.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Messages;

/// <summary>The one path a message takes, from the hub or from HTTP: validate, append, fan out.</summary>
public readonly record struct SendOutcome(ChatMessage? Message, bool Replayed, MessagingError? Error);

public sealed class MessageSender(
    IMessageStore messages,
    IHubContext<ChatHub, IChatClient> hub,
    IOptions<MessagingOptions> options,
    ILogger<MessageSender> logger)
{
    public async Task<SendOutcome> SendAsync(
        long senderId, long conversationId, string? clientMessageId, string? text, IReadOnlyList<long>? mediaIds,
        CancellationToken cancellationToken)
    {
        if (MessageRules.Validate(clientMessageId, text, mediaIds, options.Value) is { } invalid)
        {
            return new SendOutcome(null, false, invalid);
        }

        var result = await messages.AppendAsync(
            new NewMessage(conversationId, senderId, clientMessageId!, text ?? string.Empty, mediaIds ?? []), cancellationToken);
        switch (result.Status)
        {
            case AppendStatus.NotMember:
                return new SendOutcome(null, false, MessagingError.ConversationNotFound(conversationId));
            case AppendStatus.Duplicate:
                // The first attempt already fanned out; a retry only learns its seq.
                return new SendOutcome(result.Message, true, null);
        }

        await FanOutAsync(result.Message!, result.MemberIds);
        return new SendOutcome(result.Message, false, null);
    }

    private async Task FanOutAsync(ChatMessage message, IReadOnlyList<long> memberIds)
    {
        using var activity = ChatTelemetry.ActivitySource.StartActivity("messages.fan-out");
        activity?.SetTag("chat.recipients", memberIds.Count);
        try
        {
            await hub.Clients.Users(UserIds.ToStrings(memberIds)).MessageReceived(message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The store is the truth and the push only a hint: clients that miss it fetch the gap on the next seq or Sync.
            logger.LogWarning(e, "Fan-out of message {Seq} in conversation {ConversationId} failed", message.Seq, message.ConversationId);
        }
    }
}
