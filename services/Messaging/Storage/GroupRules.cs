namespace Chat.Messaging.Storage;

/// <summary>
/// Who may change a group's members, and what each change records: one set of rules for every store, which only
/// applies the outcome to its own engine.
/// </summary>
public static class GroupRules
{
    /// <summary>Who a new group holds (the owner first, then the members asked for, each once) and its "created" record.</summary>
    public static (IReadOnlyList<long> Members, SystemEvent Created) Creation(long ownerId, string title, IReadOnlyList<long> memberIds)
    {
        var everyone = memberIds.Prepend(ownerId).Distinct().ToList();
        return (everyone, new SystemEvent(SystemEvents.Created, ownerId, everyone, title));
    }

    /// <summary>
    /// Every change needs a group the actor is in: to anyone else the conversation does not exist, and a direct
    /// conversation's members never change. Null when the change may be considered.
    /// </summary>
    public static ChangeStatus? RefuseChange(Conversation? conversation, long actorId) =>
        conversation is null || !conversation.HasMember(actorId) ? ChangeStatus.NotFound
        : conversation.Kind != ConversationKinds.Group ? ChangeStatus.NotAllowed
        : null;

    /// <summary>Who hears of a change: everyone in the group before or after it (so someone removed learns of it).</summary>
    public static IReadOnlyList<long> Audience(Conversation before, Conversation after) => before.MemberIds.Union(after.MemberIds).ToArray();

    /// <summary>Any member renames a group; the same title again is no change.</summary>
    public static ChangeStatus? RefuseRename(Conversation group, string title) => group.Title == title ? ChangeStatus.Unchanged : null;

    public static SystemEvent Renamed(long actorId, string title) => new(SystemEvents.Renamed, actorId, [], title);

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
