using Chat.Testing;
using Chat.Messaging.Storage;

namespace Chat.Messaging.Tests;

/// <summary>What every block store must do, and how the message store's append honours it, on every engine.</summary>
public abstract class BlockStoreContractTests(IMessagingEngine engine) : MessagingContract(engine)
{
    private (IConversationStore Conversations, IMessageStore Messages, IBlockStore Blocks) CreateStores()
    {
        var stores = Stores();
        return (stores.Conversations, stores.Messages, stores.Blocks);
    }

    [ContractFact]
    public async Task ADirectAppendBetweenABlockedPairIsRefusedEitherWayAndResumesAfterAnUnblock()
    {
        var (conversations, messages, blocks) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        await blocks.SetAsync(1, 2, blocked: true, CancellationToken.None);

        var fromBlocked = await messages.AppendAsync(new NewMessage(direct.Id, 2, "b1", "hi", []), CancellationToken.None);
        var fromBlocker = await messages.AppendAsync(new NewMessage(direct.Id, 1, "a1", "hi", []), CancellationToken.None);
        await blocks.SetAsync(1, 2, blocked: false, CancellationToken.None);
        var afterwards = await messages.AppendAsync(new NewMessage(direct.Id, 2, "b2", "hi again", []), CancellationToken.None);

        Assert.Equal(AppendStatus.Blocked, fromBlocked.Status);
        Assert.Equal(AppendStatus.Blocked, fromBlocker.Status);
        Assert.Equal(AppendStatus.Appended, afterwards.Status);
        Assert.Equal(1, afterwards.Message!.Seq);
    }

    [ContractFact]
    public async Task ARetryOfAMessageSentBeforeABlockGetsTheOriginalBackNotARefusal()
    {
        var (conversations, messages, blocks) = CreateStores();
        var direct = await conversations.GetOrCreateDirectAsync(1, 2, CancellationToken.None);
        var sent = await messages.AppendAsync(new NewMessage(direct.Id, 2, "b1", "hi", []), CancellationToken.None);
        await blocks.SetAsync(1, 2, blocked: true, CancellationToken.None);

        var retry = await messages.AppendAsync(new NewMessage(direct.Id, 2, "b1", "hi", []), CancellationToken.None);

        Assert.Equal(AppendStatus.Duplicate, retry.Status);
        Assert.Equal(sent.Message!.Seq, retry.Message!.Seq);
    }

    [ContractFact]
    public async Task AGroupAppendIsNotRefusedByABlockBetweenTwoOfItsMembers()
    {
        var (conversations, messages, blocks) = CreateStores();
        var group = (await conversations.CreateGroupAsync(1, "Club", [2, 3], CancellationToken.None)).Conversation!;
        await blocks.SetAsync(1, 2, blocked: true, CancellationToken.None);

        var result = await messages.AppendAsync(new NewMessage(group.Id, 2, "g1", "hello all", []), CancellationToken.None);

        Assert.Equal(AppendStatus.Appended, result.Status);
    }

    [ContractFact]
    public async Task BlocksAreIdempotentAndAnsweredFromEitherSide()
    {
        var (_, _, blocks) = CreateStores();
        await blocks.SetAsync(1, 2, blocked: true, CancellationToken.None);
        await blocks.SetAsync(1, 2, blocked: true, CancellationToken.None);
        await blocks.SetAsync(3, 1, blocked: true, CancellationToken.None);
        await blocks.SetAsync(4, 5, blocked: false, CancellationToken.None);

        Assert.True(await blocks.EitherBlockedAsync(2, 1, CancellationToken.None));
        Assert.False(await blocks.EitherBlockedAsync(2, 3, CancellationToken.None));
        Assert.Equal([3L], await blocks.WhoBlockedAsync(1, [2, 3, 4], CancellationToken.None));
        Assert.Equal([2L, 3L], (await blocks.BlockedEitherWayAsync(1, CancellationToken.None)).Order());
        await blocks.SetAsync(1, 2, blocked: false, CancellationToken.None);
        Assert.False(await blocks.EitherBlockedAsync(1, 2, CancellationToken.None));
    }
}

public sealed class SqliteBlockStoreTests() : BlockStoreContractTests(new SqliteMessagingEngine());

[RequiresEnvironmentVariable(MongoDbTesting.Variable, MongoDbTesting.Purpose)]
public sealed class MongoBlockStoreTests() : BlockStoreContractTests(new MongoMessagingEngine());
