using Chat.Messaging.Contracts;

namespace Chat.Messaging.Messages;

/// <summary>
/// What the application services tell members' connections, already in wire form; implemented by the hub side
/// (<c>Hubs.ChatEvents</c>). A push is only a hint (clients repair gaps from the store), so it never fails a request.
/// </summary>
public interface IChatEvents
{
    /// <summary>A new message to every member's connections but <paramref name="senderConnectionId"/>, which has it from its ack.</summary>
    Task MessageReceivedAsync(MessageView message, IReadOnlyList<long> memberIds, string? senderConnectionId = null);

    Task MessageUpdatedAsync(MessageView message, IReadOnlyList<long> memberIds);

    Task TypingAsync(TypingNotice notice, IReadOnlyList<long> recipients);

    /// <summary>One user's view of a conversation that appeared for them or changed.</summary>
    Task ConversationChangedAsync(ConversationView view, long userId);

    Task ConversationRemovedAsync(ConversationRemoval removal, long userId);

    Task ReadMarkerChangedAsync(ReadMarker marker, IReadOnlyList<long> memberIds);

    /// <summary>A presence change to the given connections of this replica.</summary>
    Task PresenceChangedAsync(PresenceChange change, IReadOnlyList<string> connectionIds);

    /// <summary>A presence change to every connection of one user.</summary>
    Task PresenceChangedAsync(PresenceChange change, long userId);
}
