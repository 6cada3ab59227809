using Chat.Messaging.Apis;
using Chat.Messaging.Storage;

namespace Chat.Messaging.Hubs;

/// <summary>Every event the browser receives from the hub.</summary>
public interface IChatClient
{
    Task MessageReceived(ChatMessage message);

    Task ConversationChanged(ConversationView conversation);

    Task PresenceChanged(PresenceChange change);

    Task ReadMarkerChanged(ReadMarker marker);

    Task TypingChanged(TypingNotice notice);
}
