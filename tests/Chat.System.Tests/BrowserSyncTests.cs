using System.Net.Http.Json;
using Chat.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.System.Tests;

/// <summary>The web client catching up on more changes than one Sync reply holds; the Messaging it kills is started again before the test ends.</summary>
[Collection(SystemCollection.Name)]
public sealed class BrowserSyncTests(ChatApp app) : BrowserTest(app)
{
    // More than one Sync reply holds (Messaging:MaxSyncMessages, 500).
    private const int Deleted = 600;

    [Fact]
    public async Task SixHundredMessagesDeletedWhileThePageWasAwayAreAllGoneOnceItReconnects()
    {
        var (alice, bobHttp, conversationId) = await AliceInADirectChatWithBobAsync();
        using var _ = bobHttp;
        var seqs = new List<long>();
        for (var i = 1; i <= Deleted; i++)
        {
            using var sent = await bobHttp.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = $"b{i}", text = $"bob {i} of {Deleted}" });
            sent.EnsureSuccessStatusCode();
            seqs.Add((await sent.Content.ReadFromJsonAsync<SentResponse>())!.Seq);
        }
        // The page holds every one of them, pushed live.
        var bobsTexts = alice.Locator("#messages .message[data-seq] .message-text").Filter(new() { HasTextRegex = new($"^bob \\d+ of {Deleted}$") });
        await Expect(bobsTexts).ToHaveCountAsync(Deleted, new() { Timeout = 60_000 });

        // Bob deletes everything while the page is away, so it learns of the deletes only through Sync.
        await RestartMessagingWhileThePageIsAwayAsync(alice, whileAway: async () =>
        {
            foreach (var seq in seqs)
            {
                await RetriedCalls.DeleteAsync(bobHttp, conversationId, seq);
            }
        });

        await Expect(alice.Locator("#messages .message.deleted[data-seq]")).ToHaveCountAsync(Deleted, new() { Timeout = 30_000 });
        await Expect(bobsTexts).ToHaveCountAsync(0);
    }
}
