namespace Chat.Messaging.Contracts;

/// <summary>Every event the browser receives from the hub.</summary>
public interface IChatClient
{
    Task MessageReceived(MessageView message);

    /// <summary>A message was edited or deleted (a tombstone keeps its seq).</summary>
    Task MessageUpdated(MessageView message);

    /// <summary>A conversation appeared for this user, or its members, title or owner changed.</summary>
    Task ConversationChanged(ConversationView conversation);

    /// <summary>This user left or was removed: the conversation is gone from their list.</summary>
    Task ConversationRemoved(ConversationRemoval removal);

    Task PresenceChanged(PresenceChange change);

    Task ReadMarkerChanged(ReadMarker marker);

    Task TypingChanged(TypingNotice notice);

    /// <summary>Pushes to this connection may have been lost (the backplane was interrupted): call Sync.</summary>
    Task Resync();
}
