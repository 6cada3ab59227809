namespace Chat.Messaging.Contracts;

/// <summary>What a client holds of one conversation: every message through <c>AfterSeq</c>, every change through <c>AfterVersion</c>.</summary>
public sealed record SyncCursor(long ConversationId, long AfterSeq, long AfterVersion = 0);

/// <summary>
/// <c>Messages</c>: new ones after each cursor's seq, ascending. <c>Updates</c>: messages the client already holds that were
/// edited or deleted since its version. With <c>HasMore</c>, call again with the advanced cursors.
/// </summary>
public sealed record SyncResult(IReadOnlyList<ConversationView> Conversations, IReadOnlyList<MessageView> Messages, IReadOnlyList<MessageView> Updates, bool HasMore);
