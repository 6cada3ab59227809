namespace Chat.Messaging.Messages;

/// <summary>
/// A rejected request, thrown by the application services and answered the same over HTTP (ProblemDetails with
/// <see cref="Status"/> and <see cref="Type"/>) and the hub (a HubException whose message starts with <see cref="Code"/>),
/// so every client can act on the code.
/// </summary>
public sealed class MessagingError(string code, string title, string detail, string? field = null, int status = MessagingError.BadRequest)
    : Exception($"{code}: {detail}")
{
    public const string TypePrefix = "https://chat.example/problems/";

    private const int BadRequest = 400;
    private const int Forbidden = 403;
    private const int NotFound = 404;

    /// <summary>The stable code: the ProblemDetails <c>type</c>'s last segment and the hub message's first word.</summary>
    public string Code { get; } = code;

    public string Title { get; } = title;

    public string Detail { get; } = detail;

    /// <summary>The request field at fault, if one is (the ProblemDetails <c>field</c> extension).</summary>
    public string? Field { get; } = field;

    /// <summary>The HTTP status it is answered with.</summary>
    public int Status { get; } = status;

    public string Type => TypePrefix + Code;

    public static MessagingError ConversationNotFound(long conversationId) => new(
        "conversation-not-found", "Conversation not found", $"There is no conversation {conversationId} that you are a member of.", status: NotFound);

    public static MessagingError MessageNotFound(long conversationId, long seq) => new(
        "message-not-found", "Message not found", $"Conversation {conversationId} has no message {seq}.", status: NotFound);

    public static MessagingError UserNotFound(long userId, string field = "userId") => new(
        "user-not-found", "User not found", $"There is no user {userId}.", field, NotFound);

    public static MessagingError MediaNotFound(long mediaId) => new("media-not-found", "Attachment not found",
        $"There is no media {mediaId} that you uploaded into this conversation.", "mediaIds", NotFound);

    public static MessagingError NotAllowed(string detail) => new("not-allowed", "Not allowed", detail, status: Forbidden);

    /// <summary>One of a direct conversation's two people blocked the other; the same code as any refusal.</summary>
    public static MessagingError Blocked() => NotAllowed("You cannot send to or open a conversation with this person.");

    /// <summary>The person's settings (who may add them, or a block) refuse this add; which of the two is not said.</summary>
    public static MessagingError GroupAddRefused(long userId, string field = "userId") => new(
        "not-allowed", "Not allowed", $"User {userId} cannot be added to a group by you.", field, Forbidden);

    public static MessagingError GroupFull(int maxMembers) => new("group-full", "Group full", $"A group has at most {maxMembers} members.");

    public static MessagingError Invalid(string field, string detail) => new(
        "invalid-request", "The request is invalid", detail, field);
}
