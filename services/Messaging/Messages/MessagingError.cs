using Chat.Messaging.Storage;

namespace Chat.Messaging.Messages;

/// <summary>
/// A rejected request, the same for HTTP (as ProblemDetails) and the hub (as a HubException whose message
/// starts with the code), so every client can act on <see cref="Code"/>.
/// </summary>
public sealed record MessagingError(string Code, string Title, string Detail, string? Field = null)
{
    public const string TypePrefix = "https://chat.example/problems/";

    public static MessagingError ConversationNotFound(long conversationId) => new(
        "conversation-not-found", "Conversation not found", $"There is no conversation {conversationId} that you are a member of.");

    public static MessagingError MessageNotFound(long conversationId, long seq) => new(
        "message-not-found", "Message not found", $"Conversation {conversationId} has no message {seq}.");

    public static MessagingError UserNotFound(long userId) => new(
        "user-not-found", "User not found", $"There is no user {userId}.", "userId");

    public static MessagingError NotAllowed(string detail) => new("not-allowed", "Not allowed", detail);

    /// <summary>One of a direct conversation's two people blocked the other; the same code as any refusal.</summary>
    public static MessagingError Blocked() => NotAllowed("You cannot send to or open a conversation with this person.");

    /// <summary>The person's settings (who may add them, or a block) refuse this add; which of the two is not said.</summary>
    public static MessagingError GroupAddRefused(long userId) => new(
        "not-allowed", "Not allowed", $"User {userId} cannot be added to a group by you.", "userId");

    public static MessagingError Invalid(string field, string detail) => new(
        "invalid-request", "The request is invalid", detail, field);

    public string Type => TypePrefix + Code;

    /// <summary>The text a hub client receives: "code: detail".</summary>
    public override string ToString() => $"{Code}: {Detail}";
}

/// <summary>The result of a command: a value, or the error that stopped it.</summary>
public readonly record struct Outcome<T>(T? Value, MessagingError? Error)
{
    public static implicit operator Outcome<T>(MessagingError error) => new(default, error);

    public static Outcome<T> Success(T value) => new(value, null);
}
