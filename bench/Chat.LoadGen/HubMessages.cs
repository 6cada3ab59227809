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
