using System.Text.Json;
using Chat.Messaging.Storage;
using Chat.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Messaging.Tests;

/// <summary>Messaging with the shipped Sync limits: 500 messages and 2,000,000 characters per reply.</summary>
public sealed class DefaultSyncLimitsFixture() : MessagingFixture(messaging => messaging
    .Set("Messaging:MaxSyncMessages", MaxMessages)
    .Set("Messaging:MaxSyncCharacters", MaxCharacters))
{
    public const int MaxMessages = 500;

    public const int MaxCharacters = 2_000_000;

    public IMessageStore Store => Messaging.Services.GetRequiredService<IMessageStore>();
}

public sealed class SyncPagingTests(DefaultSyncLimitsFixture fixture) : IClassFixture<DefaultSyncLimitsFixture>
{
    private const int Huge = 100_000;

    [Fact]
    public async Task SixHundredPendingEditsAndDeletesComeThroughInSeveralRoundsWithAdvancingCursorsEachExactlyOnce()
    {
        var (alice, bob, conversationId) = await fixture.CreatePairAsync();
        var sent = await SendAsync(bob.Id, conversationId, 600, i => $"m{i}");
        await using var connection = await ConnectAsync(alice);
        var held = new Cursor(conversationId, 600, sent.Max(m => m.Version));
        for (var seq = 1L; seq <= 600; seq++)
        {
            var change = seq % 2 == 0
                ? await fixture.Store.DeleteAsync(conversationId, bob.Id, seq, CancellationToken.None)
                : await fixture.Store.EditAsync(conversationId, bob.Id, seq, Edited(seq), CancellationToken.None);
            Assert.Equal(ChangeStatus.Done, change.Status);
        }

        var rounds = await SyncToTheEndAsync(connection, held);

        // 300 edits of 10,000 characters: the first reply holds 200 of them (2,000,000) and the deletes between.
        Assert.Equal([400, 200], rounds.Select(r => r.Updates.Count));
        Assert.All(rounds, r => Assert.True(r.Characters <= DefaultSyncLimitsFixture.MaxCharacters));
        Assert.All(rounds, r => Assert.Empty(r.Messages));
        var updates = rounds.SelectMany(r => r.Updates).ToList();
        Assert.Equal(Enumerable.Range(1, 600).Select(i => (long)i), updates.Select(u => u.Seq));
        Assert.All(updates, u => Assert.Equal(u.Seq % 2 == 0 ? "" : Edited(u.Seq), u.Text));
        Assert.All(updates, u => Assert.Equal(u.Seq % 2 == 0, u.Deleted));
        var again = await SyncToTheEndAsync(connection, rounds[^1].Next);
        Assert.Empty(Assert.Single(again).Updates);
        Assert.Empty(again[0].Messages);
    }

    [Fact]
    public async Task ASyncOfHugeMessagesIsCutByItsTextNotByRowsAndUpdatesCountAgainstTheSameBudget()
    {
        var (alice, bob, conversationId) = await fixture.CreatePairAsync();
        var perReply = DefaultSyncLimitsFixture.MaxCharacters / Huge;
        await SendAsync(bob.Id, conversationId, 30, i => new string((char)('a' + i % 26), Huge));
        await using var connection = await ConnectAsync(alice);

        var first = await SyncToTheEndAsync(connection, new Cursor(conversationId, 0, 0));

        Assert.Equal([perReply, 30 - perReply], first.Select(r => r.Messages.Count));
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), first.SelectMany(r => r.Messages).Select(m => m.Seq));

        // Five huge edits and twenty new huge messages: the edits take their share of the next reply's text.
        for (var seq = 1L; seq <= 5; seq++)
        {
            await fixture.Store.EditAsync(conversationId, bob.Id, seq, new string('e', Huge), CancellationToken.None);
        }
        await SendAsync(bob.Id, conversationId, 20, i => new string('n', Huge), firstIndex: 31);

        var second = await SyncToTheEndAsync(connection, first[^1].Next);

        Assert.Equal([(5, perReply - 5), (0, 25 - perReply)], second.Select(r => (r.Updates.Count, r.Messages.Count)));
        Assert.Equal([1L, 2, 3, 4, 5], second[0].Updates.Select(u => u.Seq));
        Assert.Equal(Enumerable.Range(31, 20).Select(i => (long)i), second.SelectMany(r => r.Messages).Select(m => m.Seq));
        Assert.All(second, r => Assert.True(r.Characters <= DefaultSyncLimitsFixture.MaxCharacters));
    }

    [Fact]
    public async Task AMessageLongerThanTheWholeBudgetStillComesAloneSoSyncNeverStalls()
    {
        var (alice, bob, conversationId) = await fixture.CreatePairAsync();
        await SendAsync(bob.Id, conversationId, 2, i => new string('x', DefaultSyncLimitsFixture.MaxCharacters + i));
        await using var connection = await ConnectAsync(alice);

        var rounds = await SyncToTheEndAsync(connection, new Cursor(conversationId, 0, 0));

        Assert.Equal([[1L], [2L]], rounds.Select(r => r.Messages.Select(m => m.Seq).ToArray()));
    }

    private static string Edited(long seq) => $"m{seq} edited".PadRight(10_000, '.');

    private async Task<List<ChatMessage>> SendAsync(long senderId, long conversationId, int count, Func<int, string> text, int firstIndex = 1)
    {
        var sent = new List<ChatMessage>();
        for (var i = firstIndex; i < firstIndex + count; i++)
        {
            var result = await fixture.Store.AppendAsync(new NewMessage(conversationId, senderId, $"c{i}", text(i), []), CancellationToken.None);
            sent.Add(result.Message!);
        }
        return sent;
    }

    private async Task<HubConnection> ConnectAsync(TestUser user)
    {
        var connection = fixture.Messaging.CreateHubConnection(user.AccessToken);
        await connection.StartAsync();
        return connection;
    }

    /// <summary>
    /// Calls Sync until it has no more, advancing the cursor from each reply as the web client does: the seq to the last
    /// message returned; the version to the conversation's when the reply is complete or holds new messages of it,
    /// else to the last update returned.
    /// </summary>
    private static async Task<List<Round>> SyncToTheEndAsync(HubConnection connection, Cursor cursor)
    {
        var rounds = new List<Round>();
        for (var i = 0; i < 20; i++)
        {
            var reply = await connection.InvokeAsync<JsonElement>("Sync",
                new[] { new { conversationId = cursor.ConversationId, afterSeq = cursor.Seq, afterVersion = cursor.Version } });
            var view = reply.GetProperty("conversations").EnumerateArray().Single(c => c.GetProperty("id").GetInt64() == cursor.ConversationId);
            var messages = Read(reply.GetProperty("messages"));
            var updates = Read(reply.GetProperty("updates"));
            var hasMore = reply.GetProperty("hasMore").GetBoolean();
            var next = cursor with
            {
                Seq = messages.Count > 0 ? messages.Max(m => m.Seq) : cursor.Seq,
                Version = !hasMore || messages.Count > 0 ? view.GetProperty("version").GetInt64()
                    : updates.Count > 0 ? updates.Max(u => u.Version) : cursor.Version,
            };
            Assert.True(next != cursor || !hasMore, "A reply with more to come must let the cursor advance.");
            rounds.Add(new Round(messages, updates, next));
            cursor = next;
            if (!hasMore)
            {
                return rounds;
            }
        }
        throw new InvalidOperationException("Sync did not finish in 20 rounds.");
    }

    private static List<Sent> Read(JsonElement list) => list.EnumerateArray().Select(m => new Sent(
        m.GetProperty("seq").GetInt64(),
        m.GetProperty("version").GetInt64(),
        m.GetProperty("text").GetString()!,
        m.GetProperty("deletedAt").ValueKind != JsonValueKind.Null)).ToList();

    private sealed record Cursor(long ConversationId, long Seq, long Version);

    private sealed record Sent(long Seq, long Version, string Text, bool Deleted);

    private sealed record Round(List<Sent> Messages, List<Sent> Updates, Cursor Next)
    {
        public long Characters => Messages.Sum(m => (long)m.Text.Length) + Updates.Sum(u => (long)u.Text.Length);
    }
}
