using Chat.Testing;
using Chat.Messaging.Storage;

namespace Chat.Messaging.Tests;

/// <summary>What every message store and its media outbox must do, on every engine.</summary>
public abstract class MessageStoreContractTests(IMessagingEngine engine) : MessagingContract(engine)
{
    /// <summary>A conversation and message store pair of one more replica over the suite's database.</summary>
    protected (IConversationStore Conversations, IMessageStore Messages) CreateStores()
    {
        var stores = Stores();
        return (stores.Conversations, stores.Messages);
    }

    protected IMediaOutbox CreateOutbox() => Stores().Outbox;

    [ContractFact]
    public async Task ConcurrentAppendsGetEveryNumberFromOneUpExactlyOnce()
    {
        var (conversations, messages) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            messages.AppendAsync(new NewMessage(direct.Id, 1 + (i % 2), $"c{i}", $"m{i}", []), CancellationToken.None)));

        Assert.All(results, r => Assert.Equal(AppendStatus.Appended, r.Status));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), results.Select(r => r.Message!.Seq).Order());
    }

    [ContractFact]
    public async Task AppendingTheSameClientMessageIdAgainReturnsTheOriginal()
    {
        var (conversations, messages) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);

        var first = await messages.AppendAsync(new NewMessage(direct.Id, 1, "same", "hello", []), CancellationToken.None);
        var again = await messages.AppendAsync(new NewMessage(direct.Id, 1, "same", "hello", []), CancellationToken.None);
        var otherSender = await messages.AppendAsync(new NewMessage(direct.Id, 2, "same", "hello", []), CancellationToken.None);

        Assert.Equal(AppendStatus.Duplicate, again.Status);
        Assert.Equal(first.Message!.Seq, again.Message!.Seq);
        Assert.Equal(AppendStatus.Appended, otherSender.Status);
        Assert.Equal(2, otherSender.Message!.Seq);
    }

    [ContractFact]
    public async Task ANonMemberAppendsNothing()
    {
        var (conversations, messages) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);

        var result = await messages.AppendAsync(new NewMessage(direct.Id, 3, "intruder", "hi", []), CancellationToken.None);

        Assert.Equal(AppendStatus.NotMember, result.Status);
        Assert.Empty((await messages.GetPageAsync(direct.Id, null, null, 10, CancellationToken.None)).Messages);
    }

    [ContractFact]
    public async Task ADirectConversationIsOnePerPairWhicheverSideOpensIt()
    {
        var (conversations, _) = CreateStores();

        var ids = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            conversations.GetOrCreateDirectAsync(i % 2 == 0 ? 7 : 8, i % 2 == 0 ? 8 : 7, CancellationToken.None)));

        Assert.Single(ids.Select(c => c.Id).Distinct());
    }

    [ContractFact]
    public async Task EditsAndDeletesRaiseTheVersionAndShowAsUpdates()
    {
        var (conversations, messages) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        var m1 = (await messages.AppendAsync(new NewMessage(direct.Id, 1, "a", "one", []), CancellationToken.None)).Message!;
        var m2 = (await messages.AppendAsync(new NewMessage(direct.Id, 1, "b", "two", []), CancellationToken.None)).Message!;

        var edited = await messages.EditAsync(direct.Id, 1, m1.Seq, "one!", CancellationToken.None);
        var deleted = await messages.DeleteAsync(direct.Id, 1, m2.Seq, CancellationToken.None);
        var deletedAgain = await messages.DeleteAsync(direct.Id, 1, m2.Seq, CancellationToken.None);
        var notYours = await messages.EditAsync(direct.Id, 2, m1.Seq, "mine", CancellationToken.None);

        Assert.Equal(3, edited.Message!.Version);
        Assert.Equal(4, deleted.Message!.Version);
        Assert.Equal(ChangeStatus.Unchanged, deletedAgain.Status);
        Assert.Equal(ChangeStatus.NotAllowed, notYours.Status);
        var updates = await messages.GetUpdatesAsync(direct.Id, m2.Seq, m2.Version, new ReadBudget(10, 1_000), CancellationToken.None);
        Assert.Equal([m1.Seq, m2.Seq], updates.Select(u => u.Seq));
    }

    [ContractFact]
    public async Task ABudgetedReadIsAPrefixInPageOrderThatStopsAtTheFirstMessageThatDoesNotFit()
    {
        var (conversations, messages) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        for (var i = 1; i <= 4; i++)
        {
            await messages.AppendAsync(new NewMessage(direct.Id, 1, $"m{i}", new string('x', 10), []), CancellationToken.None);
        }
        await messages.EditAsync(direct.Id, 1, 2, new string('y', 10), CancellationToken.None);
        await messages.EditAsync(direct.Id, 1, 1, new string('z', 10), CancellationToken.None);

        var exact = new ReadBudget(2, 1_000);
        var bothUpdates = await messages.GetUpdatesAsync(direct.Id, 4, 4, exact, CancellationToken.None);
        var oneRow = new ReadBudget(1, 1_000);
        var firstUpdate = await messages.GetUpdatesAsync(direct.Id, 4, 4, oneRow, CancellationToken.None);
        var shared = new ReadBudget(10, 35);
        var sharedUpdates = await messages.GetUpdatesAsync(direct.Id, 4, 4, shared, CancellationToken.None);
        var sharedMessages = await messages.GetMessagesAfterAsync(direct.Id, 0, shared, CancellationToken.None);
        var tiny = new ReadBudget(10, 5);
        var overlong = await messages.GetMessagesAfterAsync(direct.Id, 2, tiny, CancellationToken.None);

        Assert.Equal([2L, 1], bothUpdates.Select(m => m.Seq));
        Assert.False(exact.Exhausted);
        Assert.Equal([2L], firstUpdate.Select(m => m.Seq));
        Assert.True(oneRow.Exhausted);
        Assert.Equal([2L, 1], sharedUpdates.Select(m => m.Seq));
        Assert.Equal([1L], sharedMessages.Select(m => m.Seq));
        Assert.True(shared.Exhausted);
        // The first message of a reply always fits, so one longer than the budget cannot stall a client.
        Assert.Equal([3L], overlong.Select(m => m.Seq));
        Assert.True(tiny.Exhausted);
    }

    [ContractFact]
    public Task RandomOperationSequencesOnTwoReplicasLeaveTheStoresAsTheModelSays() => StoreModel.RunAsync(CreateStores, Clock);

    [ContractFact]
    public async Task ReadMarkersMoveForwardOnlyAndNeverPastTheLastSeq()
    {
        var (conversations, messages) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            await messages.AppendAsync(new NewMessage(direct.Id, 1, $"m{i}", "x", []), CancellationToken.None);
        }

        var forward = await conversations.MarkReadAsync(direct.Id, 2, 2, CancellationToken.None);
        var back = await conversations.MarkReadAsync(direct.Id, 2, 1, CancellationToken.None);
        var beyond = await conversations.MarkReadAsync(direct.Id, 2, 1000, CancellationToken.None);
        var stranger = await conversations.MarkReadAsync(direct.Id, 9, 1, CancellationToken.None);

        Assert.Equal((ChangeStatus.Done, 2L), (forward.Status, forward.LastReadSeq));
        Assert.Equal((ChangeStatus.Unchanged, 2L), (back.Status, back.LastReadSeq));
        Assert.Equal((ChangeStatus.Done, 3L), (beyond.Status, beyond.LastReadSeq));
        Assert.Equal(ChangeStatus.NotFound, stranger.Status);
    }

    [ContractFact]
    public async Task PruningRemovesOnlyMessagesOlderThanTheCutoffInBatches()
    {
        var (conversations, messages) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            await messages.AppendAsync(new NewMessage(direct.Id, 1, $"old{i}", "x", []), CancellationToken.None);
        }
        Clock.Advance(TimeSpan.FromDays(10));
        await messages.AppendAsync(new NewMessage(direct.Id, 1, "new", "x", []), CancellationToken.None);
        var cutoff = Clock.GetUtcNow() - TimeSpan.FromDays(5);

        var first = await messages.PruneAsync(cutoff, 3, CancellationToken.None);
        var second = await messages.PruneAsync(cutoff, 3, CancellationToken.None);
        var third = await messages.PruneAsync(cutoff, 3, CancellationToken.None);

        Assert.Equal([3, 2, 0], new[] { first.Count, second.Count, third.Count });
        Assert.Equal([6L], (await messages.GetPageAsync(direct.Id, null, null, 10, CancellationToken.None)).Messages.Select(m => m.Seq));
    }

    [ContractFact]
    public async Task AnAppendWithMediaRecordsItsAttachmentsInTheOutboxAndOneWithoutRecordsNothing()
    {
        var (conversations, messages) = CreateStores();
        var outbox = CreateOutbox();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);

        await messages.AppendAsync(new NewMessage(direct.Id, 1, "plain", "hi", []), CancellationToken.None);
        var withMedia = (await messages.AppendAsync(new NewMessage(direct.Id, 1, "media", "", [11, 12]), CancellationToken.None)).Message!;
        await messages.AppendAsync(new NewMessage(direct.Id, 1, "media", "", [11, 12]), CancellationToken.None);

        Assert.Equal(
            [new MediaReferenceChange(11, direct.Id, withMedia.Seq, true), new MediaReferenceChange(12, direct.Id, withMedia.Seq, true)],
            await outbox.PeekAsync(10, CancellationToken.None));
    }

    [ContractFact]
    public async Task DeletingAndPruningRecordTheReleaseOfEveryAttachmentAndDeliveredChangesLeave()
    {
        var (conversations, messages) = CreateStores();
        var outbox = CreateOutbox();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        var deleted = (await messages.AppendAsync(new NewMessage(direct.Id, 1, "a", "", [21]), CancellationToken.None)).Message!;
        var pruned = (await messages.AppendAsync(new NewMessage(direct.Id, 2, "b", "", [22, 23]), CancellationToken.None)).Message!;
        await outbox.RemoveAsync(await outbox.PeekAsync(10, CancellationToken.None), CancellationToken.None);
        var notYours = await messages.DeleteAsync(direct.Id, 2, deleted.Seq, CancellationToken.None);

        var delete = await messages.DeleteAsync(direct.Id, 1, deleted.Seq, CancellationToken.None);
        await messages.DeleteAsync(direct.Id, 1, deleted.Seq, CancellationToken.None);
        Clock.Advance(TimeSpan.FromDays(10));
        var prune = await messages.PruneAsync(Clock.GetUtcNow() - TimeSpan.FromDays(5), 10, CancellationToken.None);
        var pending = await outbox.PeekAsync(10, CancellationToken.None);
        await outbox.RemoveAsync([pending[0], pending[2]], CancellationToken.None);

        Assert.Equal(ChangeStatus.NotAllowed, notYours.Status);
        Assert.Equal([21L], delete.ReleasedMedia);
        Assert.Equal([22L, 23L], prune.MediaIds.Order());
        Assert.Equal(
            [new MediaReferenceChange(21, direct.Id, deleted.Seq, false), new MediaReferenceChange(22, direct.Id, pruned.Seq, false),
                new MediaReferenceChange(23, direct.Id, pruned.Seq, false)],
            pending.OrderBy(c => c.MediaId));
        Assert.Equal([pending[1]], await outbox.PeekAsync(10, CancellationToken.None));
    }

    [ContractFact]
    public async Task TheOutboxHandsOutChangesInChunksOldestFirst()
    {
        var (conversations, messages) = CreateStores();
        var outbox = CreateOutbox();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            await messages.AppendAsync(new NewMessage(direct.Id, 1, $"m{i}", "", [100 + i]), CancellationToken.None);
        }

        var first = await outbox.PeekAsync(3, CancellationToken.None);
        await outbox.RemoveAsync(first, CancellationToken.None);
        var rest = await outbox.PeekAsync(3, CancellationToken.None);

        Assert.Equal([100L, 101L, 102L], first.Select(c => c.MediaId));
        Assert.Equal([103L, 104L], rest.Select(c => c.MediaId));
    }

    [ContractFact]
    public async Task WhatYouSendYouHaveReadSoYourOwnMessagesNeverCountAsUnread()
    {
        var (conversations, messages) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);

        await messages.AppendAsync(new NewMessage(direct.Id, 1, "a", "one", []), CancellationToken.None);
        await messages.AppendAsync(new NewMessage(direct.Id, 2, "b", "two", []), CancellationToken.None);
        await messages.AppendAsync(new NewMessage(direct.Id, 2, "c", "three", []), CancellationToken.None);

        var members = (await conversations.FindForMemberAsync(direct.Id, 1, CancellationToken.None))!.Members;
        Assert.Equal([(1L, 1L), (2L, 3L)], members.Select(m => (m.UserId, m.LastReadSeq)).Order());
    }

    [ContractFact]
    public async Task IdempotencyIsPerConversationSoTheSameClientIdAppendsInAnother()
    {
        var (conversations, messages) = CreateStores();
        var first = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        var second = await conversations.GetOrCreateDirectAsync(1, 3, CancellationToken.None);

        var one = await messages.AppendAsync(new NewMessage(first.Id, 1, "same", "hi", []), CancellationToken.None);
        var other = await messages.AppendAsync(new NewMessage(second.Id, 1, "same", "hi", []), CancellationToken.None);
        var unknown = await messages.AppendAsync(new NewMessage(second.Id + 1000, 1, "same", "hi", []), CancellationToken.None);

        Assert.Equal((AppendStatus.Appended, 1L), (one.Status, one.Message!.Seq));
        Assert.Equal((AppendStatus.Appended, 1L), (other.Status, other.Message!.Seq));
        Assert.Equal([1L, 3], other.MemberIds.Order());
        Assert.Equal(AppendStatus.NotMember, unknown.Status);
    }

    [ContractFact]
    public async Task AnAppendReturnsTheMessageAsAReadGivesItBack()
    {
        var (conversations, messages) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        Clock.Advance(TimeSpan.FromTicks(12_345));

        var appended = (await messages.AppendAsync(new NewMessage(direct.Id, 1, "a", "hello", [41, 42]), CancellationToken.None)).Message!;
        var read = (await messages.GetPageAsync(direct.Id, null, null, 10, CancellationToken.None)).Messages.Single();

        Assert.Equal((1L, 1L, "a", MessageKinds.Text, "hello", appended.CreatedAt, 1L),
            (read.Seq, read.SenderId, read.ClientMessageId, read.Kind, read.Text, read.CreatedAt, read.Version));
        Assert.Equal(appended.Media, read.Media);
        Assert.Equal(appended.CreatedAt, read.CreatedAt);
        Assert.Equal(0, appended.CreatedAt.Ticks % TimeSpan.TicksPerMillisecond);
        Assert.Null(read.System);
        Assert.Null(read.EditedAt);
        Assert.Null(read.DeletedAt);
    }

    [ContractFact]
    public async Task PagesGoAfterOldestFirstBeforeNewestFirstOrNewestAndSayWhetherThereIsMore()
    {
        var (conversations, messages) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        for (var i = 1; i <= 6; i++)
        {
            await messages.AppendAsync(new NewMessage(direct.Id, 1, $"m{i}", $"{i}", []), CancellationToken.None);
        }

        var newest = await messages.GetPageAsync(direct.Id, null, null, 2, CancellationToken.None);
        var before = await messages.GetPageAsync(direct.Id, 5, null, 2, CancellationToken.None);
        var beforeAll = await messages.GetPageAsync(direct.Id, 3, null, 5, CancellationToken.None);
        var after = await messages.GetPageAsync(direct.Id, null, 2, 3, CancellationToken.None);
        var afterAll = await messages.GetPageAsync(direct.Id, null, 4, 5, CancellationToken.None);

        Assert.Equal(([5L, 6], true), (newest.Messages.Select(m => m.Seq).ToList(), newest.HasMore), PageComparer);
        Assert.Equal(([3L, 4], true), (before.Messages.Select(m => m.Seq).ToList(), before.HasMore), PageComparer);
        Assert.Equal(([1L, 2], false), (beforeAll.Messages.Select(m => m.Seq).ToList(), beforeAll.HasMore), PageComparer);
        Assert.Equal(([3L, 4, 5], true), (after.Messages.Select(m => m.Seq).ToList(), after.HasMore), PageComparer);
        Assert.Equal(([5L, 6], false), (afterAll.Messages.Select(m => m.Seq).ToList(), afterAll.HasMore), PageComparer);
    }

    private static readonly PageEquality PageComparer = new();

    private sealed class PageEquality : IEqualityComparer<(List<long> Seqs, bool HasMore)>
    {
        public bool Equals((List<long> Seqs, bool HasMore) x, (List<long> Seqs, bool HasMore) y) => x.Seqs.SequenceEqual(y.Seqs) && x.HasMore == y.HasMore;

        public int GetHashCode((List<long> Seqs, bool HasMore) page) => page.HasMore.GetHashCode();
    }

    [ContractFact]
    public async Task TheLastMessageOfEachConversationIsItsNewestAndAnEmptyOneHasNone()
    {
        var (conversations, messages) = CreateStores();
        var busy = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        var quiet = await conversations.GetOrCreateDirectAsync(1, 3, CancellationToken.None);
        var group = (await conversations.CreateGroupAsync(1, "Club", [2], CancellationToken.None)).Conversation!;
        await messages.AppendAsync(new NewMessage(busy.Id, 1, "a", "first", []), CancellationToken.None);
        await messages.AppendAsync(new NewMessage(busy.Id, 2, "b", "second", []), CancellationToken.None);

        var last = await messages.GetLastMessagesAsync([busy.Id, quiet.Id, group.Id], CancellationToken.None);

        Assert.Equal([busy.Id, group.Id], last.Keys.Order());
        Assert.Equal((2L, "second"), (last[busy.Id].Seq, last[busy.Id].Text));
        Assert.Equal(SystemEvents.Created, last[group.Id].System!.Event);
        Assert.Empty(await messages.GetLastMessagesAsync([], CancellationToken.None));
    }

    [ContractFact]
    public async Task ADeleteLeavesATombstoneHoldingItsSeqWithoutTextOrAttachments()
    {
        var (conversations, messages) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        await messages.AppendAsync(new NewMessage(direct.Id, 1, "a", "secret", [51]), CancellationToken.None);
        await messages.AppendAsync(new NewMessage(direct.Id, 2, "b", "reply", []), CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(1));

        var deleted = await messages.DeleteAsync(direct.Id, 1, 1, CancellationToken.None);
        var editAfter = await messages.EditAsync(direct.Id, 1, 1, "back", CancellationToken.None);

        var page = (await messages.GetPageAsync(direct.Id, null, null, 10, CancellationToken.None)).Messages;
        Assert.Equal([1L, 2], page.Select(m => m.Seq));
        var tombstone = page[0];
        Assert.Equal(("", 0, Clock.GetUtcNow(), 3L), (tombstone.Text, tombstone.Media.Count, tombstone.DeletedAt!.Value, tombstone.Version));
        Assert.Equal((tombstone.Text, tombstone.DeletedAt, tombstone.Version), (deleted.Message!.Text, deleted.Message.DeletedAt, deleted.Message.Version));
        Assert.Equal([1L, 2], deleted.MemberIds.Order());
        Assert.Equal(ChangeStatus.Unchanged, editAfter.Status);
    }

    [ContractFact]
    public async Task AnEditReplacesTheTextKeepsTheAttachmentsAndReleasesNothing()
    {
        var (conversations, messages) = CreateStores();
        var outbox = CreateOutbox();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        await messages.AppendAsync(new NewMessage(direct.Id, 1, "a", "typo", [61]), CancellationToken.None);
        await outbox.RemoveAsync(await outbox.PeekAsync(10, CancellationToken.None), CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(1));

        var edited = await messages.EditAsync(direct.Id, 1, 1, "fixed", CancellationToken.None);

        var stored = (await messages.GetPageAsync(direct.Id, null, null, 10, CancellationToken.None)).Messages.Single();
        Assert.Equal(("fixed", 61L, Clock.GetUtcNow(), 2L), (stored.Text, stored.Media.Single(), stored.EditedAt!.Value, stored.Version));
        Assert.Equal((stored.Text, stored.EditedAt, stored.Version), (edited.Message!.Text, edited.Message.EditedAt, edited.Message.Version));
        Assert.Empty(edited.ReleasedMedia ?? []);
        Assert.Empty(await outbox.PeekAsync(10, CancellationToken.None));
    }

    [ContractFact]
    public async Task NobodyEditsOrDeletesASystemMessageAndAStrangerFindsNoMessageAtAll()
    {
        var (conversations, messages) = CreateStores();
        var group = (await conversations.CreateGroupAsync(1, "Club", [2], CancellationToken.None)).Conversation!;
        await messages.AppendAsync(new NewMessage(group.Id, 1, "a", "mine", []), CancellationToken.None);

        var editSystem = await messages.EditAsync(group.Id, 1, 1, "rewritten", CancellationToken.None);
        var deleteSystem = await messages.DeleteAsync(group.Id, 1, 1, CancellationToken.None);
        var stranger = await messages.DeleteAsync(group.Id, 3, 2, CancellationToken.None);
        var missing = await messages.EditAsync(group.Id, 1, 99, "ghost", CancellationToken.None);

        Assert.Equal(ChangeStatus.NotAllowed, editSystem.Status);
        Assert.Equal(ChangeStatus.NotAllowed, deleteSystem.Status);
        Assert.Equal(ChangeStatus.NotFound, stranger.Status);
        Assert.Equal(ChangeStatus.NotFound, missing.Status);
        Assert.Equal(2L, (await conversations.FindForMemberAsync(group.Id, 1, CancellationToken.None))!.LastVersion);
    }

    [ContractFact]
    public async Task UpdatesAreOnlyChangedMessagesUpToTheSeqAskedAfterTheVersionAskedInVersionOrder()
    {
        var (conversations, messages) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        for (var i = 1; i <= 4; i++)
        {
            await messages.AppendAsync(new NewMessage(direct.Id, 1, $"m{i}", $"{i}", []), CancellationToken.None);
        }
        await messages.EditAsync(direct.Id, 1, 3, "three", CancellationToken.None);
        await messages.DeleteAsync(direct.Id, 1, 1, CancellationToken.None);
        await messages.EditAsync(direct.Id, 1, 4, "four", CancellationToken.None);
        var budget = new ReadBudget(10, 1_000);

        var throughThree = await messages.GetUpdatesAsync(direct.Id, 3, 0, budget, CancellationToken.None);
        var afterFirstChange = await messages.GetUpdatesAsync(direct.Id, 4, 5, budget, CancellationToken.None);
        var none = await messages.GetUpdatesAsync(direct.Id, 4, 7, budget, CancellationToken.None);

        Assert.Equal([(3L, 5L), (1L, 6L)], throughThree.Select(m => (m.Seq, m.Version)));
        Assert.Equal([1L, 4], afterFirstChange.Select(m => m.Seq));
        Assert.Empty(none);
    }

    [ContractFact]
    public async Task MessagesAfterASeqComeInSeqOrder()
    {
        var (conversations, messages) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        for (var i = 1; i <= 4; i++)
        {
            await messages.AppendAsync(new NewMessage(direct.Id, 1 + (i % 2), $"m{i}", $"{i}", []), CancellationToken.None);
        }

        var after = await messages.GetMessagesAfterAsync(direct.Id, 1, new ReadBudget(10, 1_000), CancellationToken.None);

        Assert.Equal([2L, 3, 4], after.Select(m => m.Seq));
        Assert.Equal(["2", "3", "4"], after.Select(m => m.Text));
    }

    [ContractFact]
    public async Task RemovingChangesThatAreNotInTheOutboxIsNotAnError()
    {
        var (conversations, messages) = CreateStores();
        var outbox = CreateOutbox();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        await messages.AppendAsync(new NewMessage(direct.Id, 1, "a", "", [71]), CancellationToken.None);

        await outbox.RemoveAsync([new MediaReferenceChange(72, direct.Id, 1, true), new MediaReferenceChange(71, direct.Id, 1, false)], CancellationToken.None);
        await outbox.RemoveAsync([], CancellationToken.None);

        Assert.Equal([new MediaReferenceChange(71, direct.Id, 1, true)], await outbox.PeekAsync(10, CancellationToken.None));
    }
}

public sealed class SqliteMessageStoreTests() : MessageStoreContractTests(new SqliteMessagingEngine())
{
    private SqliteMessagingEngine Sqlite => (SqliteMessagingEngine)Engine;

    [Fact]
    public async Task ADeleteAndItsOutboxRowsCommitTogetherOrNotAtAll()
    {
        var (conversations, messages) = CreateStores();
        var outbox = CreateOutbox();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        var message = (await messages.AppendAsync(new NewMessage(direct.Id, 1, "a", "", [31]), CancellationToken.None)).Message!;
        await outbox.RemoveAsync(await outbox.PeekAsync(10, CancellationToken.None), CancellationToken.None);

        // A failure inside the transaction after the message was changed (the outbox write refused) must undo the delete ...
        await ExecuteAsync("CREATE TRIGGER refuse_outbox BEFORE INSERT ON media_outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END");
        await Assert.ThrowsAnyAsync<Exception>(() => messages.DeleteAsync(direct.Id, 1, message.Seq, CancellationToken.None));
        var afterOutboxFailure = (await messages.GetPageAsync(direct.Id, null, null, 10, CancellationToken.None)).Messages.Single();
        // ... and a delete that fails leaves no outbox row.
        await ExecuteAsync("DROP TRIGGER refuse_outbox; CREATE TRIGGER refuse_delete BEFORE UPDATE OF deleted_at ON messages BEGIN SELECT RAISE(ABORT, 'delete refused'); END");
        await Assert.ThrowsAnyAsync<Exception>(() => messages.DeleteAsync(direct.Id, 1, message.Seq, CancellationToken.None));
        var pendingAfterDeleteFailure = await outbox.PeekAsync(10, CancellationToken.None);
        await ExecuteAsync("DROP TRIGGER refuse_delete");
        await messages.DeleteAsync(direct.Id, 1, message.Seq, CancellationToken.None);

        Assert.Null(afterOutboxFailure.DeletedAt);
        Assert.Equal([31L], afterOutboxFailure.Media);
        Assert.Empty(pendingAfterDeleteFailure);
        Assert.Equal([new MediaReferenceChange(31, direct.Id, message.Seq, false)], await outbox.PeekAsync(10, CancellationToken.None));
    }

    private Task ExecuteAsync(string sql) => Sqlite.ExecuteAsync(sql);

    [Fact]
    public async Task ABudgetedReadLoadsNoRowPastTheFirstThatDoesNotFit()
    {
        var (conversations, messages) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        for (var i = 1; i <= 5; i++)
        {
            await messages.AppendAsync(new NewMessage(direct.Id, 1, $"m{i}", new string('x', 100), []), CancellationToken.None);
        }
        // A row that cannot be loaded: reading it would throw, so the read must stop before it.
        await ExecuteAsync("UPDATE messages SET media = 'unreadable' WHERE seq = 5");
        var budget = new ReadBudget(500, 350);

        var page = await messages.GetMessagesAfterAsync(direct.Id, 0, budget, CancellationToken.None);

        Assert.Equal([1L, 2, 3], page.Select(m => m.Seq));
        Assert.True(budget.Exhausted);
    }

    [Fact]
    public async Task TwoReplicasSharingTheFileNeverHandOutTheSameSeq()
    {
        // Two databases on one file have separate in-process locks, as two replicas would: only SQLite's lock orders them.
        var (conversations, first) = CreateStores();
        var (_, second) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? first : second).AppendAsync(new NewMessage(direct.Id, 1, $"r{i}", "x", []), CancellationToken.None)));

        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), results.Select(r => r.Message!.Seq).Order());
    }
}

[RequiresEnvironmentVariable(MongoDbTesting.Variable, MongoDbTesting.Purpose)]
public sealed class MongoMessageStoreTests() : MessageStoreContractTests(new MongoMessagingEngine());
