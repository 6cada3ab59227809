namespace Chat.Messaging.Storage;

/// <summary>
/// Who may change a group's members, and what each change records: one set of rules for every store, which only
/// applies the outcome to its own engine.
/// </summary>
public static class GroupRules
{
    /// <summary>The owner adds someone not yet in a group that has room; null when the add may go ahead.</summary>
    public static ChangeStatus? RefuseAdd(Conversation group, long actorId, long userId, int maxMembers) =>
        group.OwnerId != actorId ? ChangeStatus.NotAllowed
        : group.HasMember(userId) ? ChangeStatus.Unchanged
        : group.Members.Count >= maxMembers ? ChangeStatus.Full
        : null;

    public static SystemEvent Added(long actorId, long userId) => new(SystemEvents.MemberAdded, actorId, [userId], null);

    /// <summary>The owner removes someone, or anyone removes themself; null when the removal may go ahead.</summary>
    public static ChangeStatus? RefuseRemove(Conversation group, long actorId, long userId) =>
        actorId != userId && group.OwnerId != actorId ? ChangeStatus.NotAllowed
        : !group.HasMember(userId) ? ChangeStatus.NotFound
        : null;

    /// <summary>
    /// What a removal records and who owns the group after it: an owner who leaves hands it to the longest-standing
    /// member (members are kept in joining order).
    /// </summary>
    public static (IReadOnlyList<SystemEvent> Events, long? NewOwner) Removal(Conversation group, long actorId, long userId)
    {
        var events = new List<SystemEvent>
        {
            actorId == userId
                ? new SystemEvent(SystemEvents.MemberLeft, userId, [userId], null)
                : new SystemEvent(SystemEvents.MemberRemoved, actorId, [userId], null),
        };
        if (group.OwnerId == userId && group.Members.FirstOrDefault(m => m.UserId != userId) is { } heir)
        {
            events.Add(new SystemEvent(SystemEvents.OwnerChanged, userId, [heir.UserId], null));
            return (events, heir.UserId);
        }
        return (events, null);
    }
}
