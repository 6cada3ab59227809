using Chat.Messaging.Contracts;
using Chat.Messaging.Storage;

namespace Chat.Messaging.Messages;

/// <summary>Stored messages in their wire form: the one place a storage record becomes what clients read.</summary>
public static class MessageViews
{
    public static MessageView ToView(this ChatMessage message) => new(
        message.ConversationId, message.Seq, message.SenderId, message.ClientMessageId, message.Kind, message.Text, message.Media,
        message.System is { } system ? new SystemEventView(system.Event, system.ActorId, system.UserIds, system.Title) : null,
        message.CreatedAt, message.EditedAt, message.DeletedAt, message.Version);

    public static MessageView? ToViewOrNull(this ChatMessage? message) => message?.ToView();

    public static IReadOnlyList<MessageView> ToViews(this IReadOnlyList<ChatMessage> messages)
    {
        var views = new MessageView[messages.Count];
        for (var i = 0; i < views.Length; i++)
        {
            views[i] = messages[i].ToView();
        }
        return views;
    }

    public static MessagePageView ToView(this MessagePage page) => new(page.Messages.ToViews(), page.HasMore);
}
