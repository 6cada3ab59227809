namespace Chat.Messaging.Messages;

/// <summary>What a message must be before it is stored.</summary>
public static class MessageRules
{
    public static MessagingError? Validate(string? clientMessageId, string? text, IReadOnlyList<long>? mediaIds, MessagingOptions options)
    {
        if (string.IsNullOrWhiteSpace(clientMessageId) || clientMessageId.Length > options.MaxClientMessageIdLength)
        {
            return MessagingError.Invalid("clientMessageId",
                $"A client message id is 1 to {options.MaxClientMessageIdLength} characters, unique per message.");
        }
        if (mediaIds is { Count: > 0 })
        {
            if (mediaIds.Count > options.MaxAttachments || mediaIds.Distinct().Count() != mediaIds.Count)
            {
                return MessagingError.Invalid("mediaIds", $"A message carries at most {options.MaxAttachments} different attachments.");
            }
            // With attachments, text is optional, but still bounded.
            return string.IsNullOrEmpty(text) ? null : ValidateLength(text, options);
        }
        return ValidateText(text, options);
    }

    /// <summary>1 to the maximum length of UTF-16 code units (what a browser's <c>string.length</c> counts), not only whitespace.</summary>
    public static MessagingError? ValidateText(string? text, MessagingOptions options) =>
        ValidateLength(text, options)
        ?? (string.IsNullOrWhiteSpace(text)
            ? new MessagingError("empty-message", "Empty message", "A message needs text or an attachment.", "text")
            : null);

    private static MessagingError? ValidateLength(string? text, MessagingOptions options) =>
        text is { Length: > 0 } && text.Length > options.MaxMessageLength
            ? new MessagingError("message-too-long", "Message too long",
                $"A message has at most {options.MaxMessageLength} characters (UTF-16 code units); this one has {text.Length}.", "text")
            : null;
}
