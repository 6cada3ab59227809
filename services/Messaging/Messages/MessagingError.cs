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

    public static MessagingError UserNotFound(long userId) => new(
        "user-not-found", "User not found", $"There is no user {userId}.", "userId");

    public static MessagingError Invalid(string field, string detail) => new(
        "invalid-request", "The request is invalid", detail, field);

    public string Type => TypePrefix + Code;

    /// <summary>The text a hub client receives: "code: detail".</summary>
    public override string ToString() => $"{Code}: {Detail}";
}
