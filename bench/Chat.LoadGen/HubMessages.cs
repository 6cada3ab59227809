namespace Chat.LoadGen;

/// <summary>
/// The fields of the hub's <c>MessageReceived</c> payload the generator reads. Settable properties, so both the JSON
/// protocol (camelCase) and the MessagePack protocol (contractless: member names as keys) bind to it; other keys are skipped.
/// </summary>
public sealed class ReceivedMessage
{
    public long ConversationId { get; set; }
    public long Seq { get; set; }
    public long SenderId { get; set; }
    public string ClientMessageId { get; set; } = string.Empty;
    public string Text { get; set; } = string.Empty;
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The hub's answer to <c>SendMessage</c>.</summary>
public sealed class SendReply
{
    public long Seq { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>What the client holds of one conversation, sent to the hub's <c>Sync</c>: every seq up to <c>AfterSeq</c>, edits up to <c>AfterVersion</c>.</summary>
public sealed class SyncCursor
{
    public long ConversationId { get; set; }
    public long AfterSeq { get; set; }
    public long AfterVersion { get; set; }
}

/// <summary>The hub's answer to <c>Sync</c>: the user's conversations, the messages after each cursor, edits and deletes, and whether to call again.</summary>
public sealed class SyncReply
{
    public List<SyncConversation> Conversations { get; set; } = [];
    public List<ReceivedMessage> Messages { get; set; } = [];
    public List<ReceivedMessage> Updates { get; set; } = [];
    public bool HasMore { get; set; }
}

/// <summary>The fields of a conversation view that <c>Sync</c> cursors are made of.</summary>
public sealed class SyncConversation
{
    public long Id { get; set; }
    public long LastSeq { get; set; }
    public long Version { get; set; }
}
