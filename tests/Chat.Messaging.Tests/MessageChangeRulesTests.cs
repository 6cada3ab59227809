using Chat.Messaging.Storage;

namespace Chat.Messaging.Tests;

/// <summary>The edit and delete rules every message store applies, without an engine.</summary>
public sealed class MessageChangeRulesTests
{
    private static readonly DateTimeOffset Sent = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Sent.AddMinutes(5).AddTicks(1234);

    private static ChatMessage Message(long senderId = 1, string kind = MessageKinds.Text, IReadOnlyList<long>? media = null, DateTimeOffset? deletedAt = null) =>
        new(7, 3, senderId, "c1", kind, "hello", media ?? [], null, Sent, null, deletedAt, 5);

    [Fact]
    public void AnEditReplacesTheTextAndStampsTheEditToTheMillisecond()
    {
        var plan = MessageChangeRules.Edit(Message(media: [11]), callerIsMember: true, userId: 1, "hello!", Now);

        Assert.Equal(ChangeStatus.Done, plan.Status);
        Assert.Equal("hello!", plan.Changed!.Text);
        Assert.Equal([11L], plan.Changed.Media);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(Now.ToUnixTimeMilliseconds()), plan.Changed.EditedAt);
        Assert.Null(plan.Changed.DeletedAt);
        Assert.Empty(plan.ReleasedMedia);
        Assert.Empty(plan.Releases);
    }

    [Fact]
    public void ADeleteLeavesATombstoneWithoutTextOrAttachmentsAndReleasesEveryAttachment()
    {
        var plan = MessageChangeRules.Delete(Message(media: [11, 12]), callerIsMember: true, userId: 1, Now);

        Assert.Equal(ChangeStatus.Done, plan.Status);
        Assert.Equal((3L, "", 0), (plan.Changed!.Seq, plan.Changed.Text, plan.Changed.Media.Count));
        Assert.NotNull(plan.Changed.DeletedAt);
        Assert.Equal([11L, 12L], plan.ReleasedMedia);
        Assert.Equal([new MediaReferenceChange(11, 7, 3, false), new MediaReferenceChange(12, 7, 3, false)], plan.Releases);
    }

    [Fact]
    public void ATombstoneCannotBeEditedOrDeletedAgain()
    {
        var tombstone = Message(deletedAt: Sent.AddMinutes(1));

        Assert.Equal(ChangeStatus.Unchanged, MessageChangeRules.Edit(tombstone, true, 1, "back", Now).Status);
        Assert.Equal(ChangeStatus.Unchanged, MessageChangeRules.Delete(tombstone, true, 1, Now).Status);
    }

    [Fact]
    public void OnlyTheSenderMayChangeTheirMessageAndNobodyASystemMessage()
    {
        Assert.Equal(ChangeStatus.NotAllowed, MessageChangeRules.Edit(Message(senderId: 2), true, 1, "mine", Now).Status);
        Assert.Equal(ChangeStatus.NotAllowed, MessageChangeRules.Delete(Message(senderId: 2), true, 1, Now).Status);
        Assert.Equal(ChangeStatus.NotAllowed, MessageChangeRules.Delete(Message(kind: MessageKinds.System), true, 1, Now).Status);
    }

    [Fact]
    public void AStrangerOrAMissingMessageIsNotFoundEvenWhenTheStrangerSentIt()
    {
        Assert.Equal(ChangeStatus.NotFound, MessageChangeRules.Delete(Message(), callerIsMember: false, userId: 1, Now).Status);
        Assert.Equal(ChangeStatus.NotFound, MessageChangeRules.Edit(null, callerIsMember: true, userId: 1, "x", Now).Status);
    }

    [Fact]
    public void AnAppliedPlanCarriesTheStoresVersionAndARefusalCarriesNothing()
    {
        var done = MessageChangeRules.Delete(Message(media: [11]), true, 1, Now).Applied(9, [1, 2]);
        var refused = MessageChangeRules.Delete(Message(senderId: 2), true, 1, Now).Applied(9, [1, 2]);

        Assert.Equal((ChangeStatus.Done, 9L), (done.Status, done.Message!.Version));
        Assert.Equal([1L, 2L], done.MemberIds);
        Assert.Equal([11L], done.ReleasedMedia);
        Assert.Equal((ChangeStatus.NotAllowed, null), (refused.Status, refused.Message));
        Assert.Empty(refused.MemberIds);
    }
}

/// <summary>The append rules every message store applies, without an engine.</summary>
public sealed class AppendRulesTests
{
    private static readonly NewMessage Hello = new(7, 1, "c1", "hello", [11]);
    private static readonly ChatMessage Original = new(7, 4, 1, "c1", MessageKinds.Text, "hello", [11], null, DateTimeOffset.UnixEpoch, null, null, 4);

    [Fact]
    public async Task ASenderOutsideTheConversationIsRefusedBeforeAnythingIsLookedUp()
    {
        var looked = false;

        var refused = await AppendRules.RefuseAsync(Hello, [2, 3],
            () => { looked = true; return Task.FromResult<ChatMessage?>(null); }, () => { looked = true; return Task.FromResult(false); });

        Assert.Equal(AppendStatus.NotMember, refused!.Value.Status);
        Assert.False(looked);
    }

    [Fact]
    public async Task ARetryOfAStoredClientMessageIdGetsTheOriginalEvenAfterABlock()
    {
        var refused = await AppendRules.RefuseAsync(Hello, [1, 2], () => Task.FromResult<ChatMessage?>(Original), () => Task.FromResult(true));

        Assert.Equal(AppendStatus.Duplicate, refused!.Value.Status);
        Assert.Same(Original, refused.Value.Message);
        Assert.Equal([1L, 2L], refused.Value.MemberIds);
    }

    [Fact]
    public async Task ANewMessageBetweenABlockedPairIsRefusedAndOtherwiseGoesAhead()
    {
        var blocked = await AppendRules.RefuseAsync(Hello, [1, 2], () => Task.FromResult<ChatMessage?>(null), () => Task.FromResult(true));
        var allowed = await AppendRules.RefuseAsync(Hello, [1, 2], () => Task.FromResult<ChatMessage?>(null), () => Task.FromResult(false));

        Assert.Equal(AppendStatus.Blocked, blocked!.Value.Status);
        Assert.Empty(blocked.Value.MemberIds);
        Assert.Null(allowed);
    }

    [Fact]
    public void AStoredMessageAnnouncesEachAttachmentUnderItsSeq()
    {
        var stored = AppendRules.Stored(7, 5, 9, 1, "c1", MessageKinds.Text, "hi", [11, 12], null, DateTimeOffset.UnixEpoch.AddTicks(19_999));

        Assert.Equal((5L, 9L), (stored.Seq, stored.Version));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddMilliseconds(1), stored.CreatedAt);
        Assert.Equal([new MediaReferenceChange(11, 7, 5, true), new MediaReferenceChange(12, 7, 5, true)], AppendRules.Attachments(stored));
    }
}
