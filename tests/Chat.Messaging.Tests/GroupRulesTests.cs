using Chat.Messaging.Storage;

namespace Chat.Messaging.Tests;

/// <summary>The group rules every conversation store applies, without an engine.</summary>
public sealed class GroupRulesTests
{
    private static Conversation Group(long owner, params long[] members) =>
        new(7, ConversationKinds.Group, "Club", owner, members.Select(m => new ConversationMember(m, 0)).ToArray(), 1, 1, DateTimeOffset.UnixEpoch);

    [Fact]
    public void ANewGroupHoldsItsOwnerFirstAndEachMemberOnce()
    {
        var (members, created) = GroupRules.Creation(1, "Club", [2, 1, 3, 2]);

        Assert.Equal([1L, 2, 3], members);
        Assert.Equal((SystemEvents.Created, 1L, "Club"), (created.Event, created.ActorId, created.Title));
        Assert.Equal([1L, 2, 3], created.UserIds);
    }

    [Fact]
    public void OnlyAMemberChangesAGroupAndNobodyChangesADirectConversation()
    {
        var direct = Group(1, 1, 2) with { Kind = ConversationKinds.Direct, OwnerId = null };

        Assert.Equal(ChangeStatus.NotFound, GroupRules.RefuseChange(null, 1));
        Assert.Equal(ChangeStatus.NotFound, GroupRules.RefuseChange(Group(1, 1, 2), 3));
        Assert.Equal(ChangeStatus.NotAllowed, GroupRules.RefuseChange(direct, 1));
        Assert.Null(GroupRules.RefuseChange(Group(1, 1, 2), 2));
    }

    [Fact]
    public void OnlyTheOwnerAddsAndOnlyToAGroupWithRoomSomeoneNotYetIn()
    {
        Assert.Equal(ChangeStatus.NotAllowed, GroupRules.RefuseAdd(Group(1, 1, 2), 2, 3, 10));
        Assert.Equal(ChangeStatus.Unchanged, GroupRules.RefuseAdd(Group(1, 1, 2), 1, 2, 10));
        Assert.Equal(ChangeStatus.Full, GroupRules.RefuseAdd(Group(1, 1, 2), 1, 3, 2));
        Assert.Null(GroupRules.RefuseAdd(Group(1, 1, 2), 1, 3, 3));
    }

    [Fact]
    public void TheOwnerRemovesAnyoneAndAnyoneElseOnlyThemself()
    {
        Assert.Equal(ChangeStatus.NotAllowed, GroupRules.RefuseRemove(Group(1, 1, 2, 3), 2, 3));
        Assert.Equal(ChangeStatus.NotFound, GroupRules.RefuseRemove(Group(1, 1, 2), 1, 9));
        Assert.Null(GroupRules.RefuseRemove(Group(1, 1, 2, 3), 2, 2));
        Assert.Null(GroupRules.RefuseRemove(Group(1, 1, 2, 3), 1, 3));
    }

    [Fact]
    public void AnOwnerWhoLeavesHandsTheGroupToTheLongestStandingMember()
    {
        var (events, newOwner) = GroupRules.Removal(Group(1, 1, 3, 2), 1, 1);
        var (removed, unchanged) = GroupRules.Removal(Group(1, 1, 3, 2), 1, 2);

        Assert.Equal(3L, newOwner);
        Assert.Equal([SystemEvents.MemberLeft, SystemEvents.OwnerChanged], events.Select(e => e.Event));
        Assert.Equal([3L], events[1].UserIds);
        Assert.Null(unchanged);
        Assert.Equal([SystemEvents.MemberRemoved], removed.Select(e => e.Event));
    }

    [Fact]
    public void TheSameTitleAgainIsNoChangeAndEveryoneBeforeOrAfterHearsOfAChange()
    {
        Assert.Equal(ChangeStatus.Unchanged, GroupRules.RefuseRename(Group(1, 1), "Club"));
        Assert.Null(GroupRules.RefuseRename(Group(1, 1), "Club 2"));
        Assert.Equal([1L, 2, 3], GroupRules.Audience(Group(1, 1, 2), Group(1, 1, 3)).Order());
    }
}
