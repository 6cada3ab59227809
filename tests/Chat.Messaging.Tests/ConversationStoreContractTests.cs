using Chat.Testing;
using Chat.Messaging.Storage;

namespace Chat.Messaging.Tests;

/// <summary>What every conversation store must do (groups, membership, lists, read markers), on every engine.</summary>
public abstract class ConversationStoreContractTests(IMessagingEngine engine) : MessagingContract(engine)
{
    private const int MaxMembers = 4;

    [ContractFact]
    public async Task ANewGroupIsOwnedByItsCreatorAndRecordsCreatedAsSeqOne()
    {
        var (conversations, messages, _, _) = Stores();

        var change = await conversations.CreateGroupAsync(1, "Club", [2, 3, 2], CancellationToken.None);

        Assert.Equal(ChangeStatus.Done, change.Status);
        var group = change.Conversation!;
        Assert.Equal((ConversationKinds.Group, "Club", 1L, 1L), (group.Kind, group.Title, group.OwnerId, group.LastSeq));
        Assert.Equal([1L, 2, 3], group.MemberIds);
        Assert.Equal([1L, 2, 3], change.Audience);
        var created = Assert.Single(change.SystemMessages);
        Assert.Equal((1L, MessageKinds.System, SystemEvents.Created, 1L), (created.Seq, created.Kind, created.System!.Event, created.SenderId));
        Assert.Equal([1L, 2, 3], created.System.UserIds);
        var stored = Assert.Single((await messages.GetPageAsync(group.Id, null, null, 10, CancellationToken.None)).Messages);
        Assert.Equal((1L, SystemEvents.Created, "Club"), (stored.Seq, stored.System!.Event, stored.System.Title));
    }

    [ContractFact]
    public async Task ADirectConversationStartsEmptyWithBothAsMembers()
    {
        var (conversations, messages, _, _) = Stores();

        var direct = await conversations.GetOrCreateDirectAsync(5, 4, CancellationToken.None);

        Assert.Equal((ConversationKinds.Direct, null, null, 0L), (direct.Kind, direct.Title, direct.OwnerId, direct.LastSeq));
        Assert.Equal([4L, 5], direct.MemberIds.Order());
        Assert.Empty((await messages.GetPageAsync(direct.Id, null, null, 10, CancellationToken.None)).Messages);
    }

    [ContractFact]
    public async Task AConversationIsFoundOnlyByItsMembersAndAnUnknownOneLooksTheSame()
    {
        var (conversations, _, _, _) = Stores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);

        Assert.Equal(direct.Id, (await conversations.FindForMemberAsync(direct.Id, 2, CancellationToken.None))!.Id);
        Assert.Null(await conversations.FindForMemberAsync(direct.Id, 3, CancellationToken.None));
        Assert.Null(await conversations.FindForMemberAsync(direct.Id + 1000, 1, CancellationToken.None));
    }

    [ContractFact]
    public async Task AMembersConversationsAreListedMostRecentlyActiveFirst()
    {
        var (conversations, messages, _, _) = Stores();
        var first = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await conversations.GetOrCreateDirectAsync(1, 3, CancellationToken.None);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var group = (await conversations.CreateGroupAsync(4, "Other", [2], CancellationToken.None)).Conversation!;
        Clock.Advance(TimeSpan.FromSeconds(1));
        await messages.AppendAsync(new NewMessage(first.Id, 2, "c1", "wake up", []), CancellationToken.None);

        var listed = await conversations.ListForMemberAsync(1, CancellationToken.None);
        var others = await conversations.ListForMemberAsync(2, CancellationToken.None);

        Assert.Equal([first.Id, second.Id], listed.Select(c => c.Id));
        Assert.Equal([first.Id, group.Id], others.Select(c => c.Id));
        Assert.Empty(await conversations.ListForMemberAsync(9, CancellationToken.None));
    }

    [ContractFact]
    public async Task ContactsAreEveryoneWhoSharesAConversationButNotTheUser()
    {
        var (conversations, _, _, _) = Stores();
        await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        await conversations.CreateGroupAsync(3, "Club", [1, 4], CancellationToken.None);
        await conversations.GetOrCreateDirectAsync(5, 6, CancellationToken.None);

        Assert.Equal([2L, 3, 4], (await conversations.ListContactsAsync(1, CancellationToken.None)).Order());
        Assert.Equal([1L], (await conversations.ListContactsAsync(2, CancellationToken.None)).Order());
        Assert.Empty(await conversations.ListContactsAsync(9, CancellationToken.None));
    }

    [ContractFact]
    public async Task TheOwnerAddsSomeoneToAGroupWithRoomAndTheAddIsASystemMessage()
    {
        var (conversations, _, _, _) = Stores();
        var group = (await conversations.CreateGroupAsync(1, "Club", [2], CancellationToken.None)).Conversation!;

        var added = await conversations.AddMemberAsync(group.Id, 1, 3, MaxMembers, CancellationToken.None);
        var byMember = await conversations.AddMemberAsync(group.Id, 2, 4, MaxMembers, CancellationToken.None);
        var again = await conversations.AddMemberAsync(group.Id, 1, 3, MaxMembers, CancellationToken.None);
        await conversations.AddMemberAsync(group.Id, 1, 4, MaxMembers, CancellationToken.None);
        var full = await conversations.AddMemberAsync(group.Id, 1, 5, MaxMembers, CancellationToken.None);
        var byStranger = await conversations.AddMemberAsync(group.Id, 9, 5, MaxMembers, CancellationToken.None);

        Assert.Equal(ChangeStatus.Done, added.Status);
        Assert.Equal([1L, 2, 3], added.Conversation!.MemberIds);
        Assert.Equal([1L, 2, 3], added.Audience.Order());
        var record = Assert.Single(added.SystemMessages);
        Assert.Equal((2L, SystemEvents.MemberAdded, 1L), (record.Seq, record.System!.Event, record.System.ActorId));
        Assert.Equal([3L], record.System.UserIds);
        Assert.Equal(ChangeStatus.NotAllowed, byMember.Status);
        Assert.Equal(ChangeStatus.Unchanged, again.Status);
        Assert.Equal(ChangeStatus.Full, full.Status);
        Assert.Equal(ChangeStatus.NotFound, byStranger.Status);
        Assert.Equal([1L, 2, 3, 4], (await conversations.FindForMemberAsync(group.Id, 1, CancellationToken.None))!.MemberIds);
    }

    [ContractFact]
    public async Task TheOwnerRemovesAnyoneAndAMemberOnlyLeavesAndTheRemovedOneStillHearsOfIt()
    {
        var (conversations, _, _, _) = Stores();
        var group = (await conversations.CreateGroupAsync(1, "Club", [2, 3, 4], CancellationToken.None)).Conversation!;

        var byMember = await conversations.RemoveMemberAsync(group.Id, 2, 3, CancellationToken.None);
        var removed = await conversations.RemoveMemberAsync(group.Id, 1, 3, CancellationToken.None);
        var left = await conversations.RemoveMemberAsync(group.Id, 2, 2, CancellationToken.None);
        var notThere = await conversations.RemoveMemberAsync(group.Id, 1, 3, CancellationToken.None);

        Assert.Equal(ChangeStatus.NotAllowed, byMember.Status);
        Assert.Equal([1L, 2, 4], removed.Conversation!.MemberIds);
        Assert.Contains(3L, removed.Audience);
        Assert.Equal((SystemEvents.MemberRemoved, 1L), (removed.SystemMessages.Single().System!.Event, removed.SystemMessages.Single().SenderId));
        Assert.Equal((SystemEvents.MemberLeft, 2L), (left.SystemMessages.Single().System!.Event, left.SystemMessages.Single().SenderId));
        Assert.Equal([1L, 4], left.Conversation!.MemberIds);
        Assert.Equal(ChangeStatus.NotFound, notThere.Status);
        Assert.Null(await conversations.FindForMemberAsync(group.Id, 3, CancellationToken.None));
    }

    [ContractFact]
    public async Task AnOwnerWhoLeavesHandsTheGroupToTheLongestStandingMember()
    {
        var (conversations, _, _, _) = Stores();
        var group = (await conversations.CreateGroupAsync(1, "Club", [2], CancellationToken.None)).Conversation!;
        Clock.Advance(TimeSpan.FromSeconds(1));
        await conversations.AddMemberAsync(group.Id, 1, 3, MaxMembers, CancellationToken.None);

        var left = await conversations.RemoveMemberAsync(group.Id, 1, 1, CancellationToken.None);

        Assert.Equal(2L, left.Conversation!.OwnerId);
        Assert.Equal([SystemEvents.MemberLeft, SystemEvents.OwnerChanged], left.SystemMessages.Select(m => m.System!.Event));
        Assert.Equal([3L, 4], left.SystemMessages.Select(m => m.Seq));
        Assert.Equal([2L], left.SystemMessages[1].System!.UserIds);
        Assert.Equal(ChangeStatus.Done, (await conversations.AddMemberAsync(group.Id, 2, 1, MaxMembers, CancellationToken.None)).Status);
    }

    [ContractFact]
    public async Task AnyMemberRenamesAGroupButNotADirectConversationAndTheSameTitleIsNoChange()
    {
        var (conversations, _, _, _) = Stores();
        var group = (await conversations.CreateGroupAsync(1, "Club", [2], CancellationToken.None)).Conversation!;
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);

        var renamed = await conversations.RenameAsync(group.Id, 2, "Book club", CancellationToken.None);
        var same = await conversations.RenameAsync(group.Id, 1, "Book club", CancellationToken.None);
        var directRename = await conversations.RenameAsync(direct.Id, 1, "Us", CancellationToken.None);
        var byStranger = await conversations.RenameAsync(group.Id, 3, "Mine", CancellationToken.None);

        Assert.Equal("Book club", renamed.Conversation!.Title);
        var record = renamed.SystemMessages.Single();
        Assert.Equal((SystemEvents.Renamed, 2L, "Book club"), (record.System!.Event, record.System.ActorId, record.System.Title));
        Assert.Equal(ChangeStatus.Unchanged, same.Status);
        Assert.Equal(ChangeStatus.NotAllowed, directRename.Status);
        Assert.Equal(ChangeStatus.NotFound, byStranger.Status);
    }

    [ContractFact]
    public async Task EveryGroupChangeTakesTheNextSeqAndVersionAndTheActorHasReadIt()
    {
        var (conversations, _, _, _) = Stores();
        var group = (await conversations.CreateGroupAsync(1, "Club", [2], CancellationToken.None)).Conversation!;

        var renamed = await conversations.RenameAsync(group.Id, 2, "Book club", CancellationToken.None);

        var after = renamed.Conversation!;
        Assert.Equal((2L, 2L), (after.LastSeq, after.LastVersion));
        Assert.Equal((2L, 2L), (renamed.SystemMessages.Single().Seq, renamed.SystemMessages.Single().Version));
        Assert.Equal([1L, 2], after.Members.Select(m => m.LastReadSeq));
    }

    [ContractFact]
    public async Task AReadMarkerChangeNamesEveryMemberToTell()
    {
        var (conversations, messages, _, _) = Stores();
        var group = (await conversations.CreateGroupAsync(1, "Club", [2, 3], CancellationToken.None)).Conversation!;
        await messages.AppendAsync(new NewMessage(group.Id, 1, "c1", "hi", []), CancellationToken.None);

        var moved = await conversations.MarkReadAsync(group.Id, 2, 2, CancellationToken.None);
        var still = await conversations.MarkReadAsync(group.Id, 2, 2, CancellationToken.None);

        Assert.Equal((ChangeStatus.Done, 2L), (moved.Status, moved.LastReadSeq));
        Assert.Equal([1L, 2, 3], moved.MemberIds.Order());
        Assert.Equal(ChangeStatus.Unchanged, still.Status);
        Assert.Empty(still.MemberIds);
        Assert.Equal([2L, 2, 0], (await conversations.FindForMemberAsync(group.Id, 3, CancellationToken.None))!.Members.Select(m => m.LastReadSeq));
    }
}

public sealed class SqliteConversationStoreTests() : ConversationStoreContractTests(new SqliteMessagingEngine());

[RequiresEnvironmentVariable(MongoDbTesting.Variable, MongoDbTesting.Purpose)]
public sealed class MongoConversationStoreTests() : ConversationStoreContractTests(new MongoMessagingEngine());
