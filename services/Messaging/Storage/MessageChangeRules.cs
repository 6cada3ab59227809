namespace Chat.Messaging.Storage;

/// <summary>
/// Who may edit or delete a message and what the change leaves behind: one set of rules for every store, which loads
/// the message, asks these rules, and writes the plan with the conversation's next version in one transaction.
/// </summary>
public static class MessageChangeRules
{
    /// <summary>The sender replaces the text of their own text message, unless it is already a tombstone.</summary>
    public static MessageChangePlan Edit(ChatMessage? message, bool callerIsMember, long userId, string text, DateTimeOffset now) =>
        Refuse(message, callerIsMember, userId) is { } refused
            ? MessageChangePlan.Refused(refused)
            : new MessageChangePlan(ChangeStatus.Done, message! with { Text = text, EditedAt = StoredTime(now) }, []);

    /// <summary>
    /// The sender deletes their own message: a tombstone keeps its seq with no text and no attachments, and every
    /// attachment it held is released.
    /// </summary>
    public static MessageChangePlan Delete(ChatMessage? message, bool callerIsMember, long userId, DateTimeOffset now) =>
        Refuse(message, callerIsMember, userId) is { } refused
            ? MessageChangePlan.Refused(refused)
            : new MessageChangePlan(ChangeStatus.Done, message! with { Text = string.Empty, Media = [], DeletedAt = StoredTime(now) }, message.Media);

    /// <summary>
    /// A stranger sees no message (not found); only the sender's own text messages change (system messages never);
    /// a tombstone stays as it is.
    /// </summary>
    private static ChangeStatus? Refuse(ChatMessage? message, bool callerIsMember, long userId) =>
        !callerIsMember || message is null ? ChangeStatus.NotFound
        : message.SenderId != userId || message.Kind != MessageKinds.Text ? ChangeStatus.NotAllowed
        : message.DeletedAt is not null ? ChangeStatus.Unchanged
        : null;

    /// <summary>Both engines keep times to the millisecond, so the answer shows what a later read returns.</summary>
    public static DateTimeOffset StoredTime(DateTimeOffset now) => DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
}

/// <summary>
/// What an edit or delete does: the message as it must be stored (its version is the store's to give) and the
/// attachments it lets go, which the store writes to the media outbox in the same transaction.
/// </summary>
public sealed record MessageChangePlan(ChangeStatus Status, ChatMessage? Changed, IReadOnlyList<long> ReleasedMedia)
{
    public static MessageChangePlan Refused(ChangeStatus status) => new(status, null, []);

    /// <summary>The outbox rows of the release.</summary>
    public IReadOnlyList<MediaReferenceChange> Releases =>
        Changed is null ? [] : MediaReferenceChange.For(Changed.ConversationId, Changed.Seq, ReleasedMedia, attached: false);

    /// <summary>The store's answer once the plan is written with <paramref name="version"/>.</summary>
    public MessageChange Applied(long version, IReadOnlyList<long> memberIds) =>
        Changed is null
            ? MessageChange.Failed(Status)
            : new MessageChange(ChangeStatus.Done, Changed with { Version = version }, memberIds, ReleasedMedia);
}
