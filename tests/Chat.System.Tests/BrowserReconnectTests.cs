using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.System.Tests;

/// <summary>The web client across a crash and restart of Messaging; its own AppHost, since the test kills a service.</summary>
[Collection(SystemCollection.Name)]
public sealed class BrowserReconnectTests(ChatApp app) : BrowserTest(app)
{
    private const int SentWhileAway = 5;

    [Fact]
    public async Task AfterMessagingRestartsThePageReconnectsAndShowsEveryMessageOnceInSeqOrder()
    {
        var (alice, bobHttp, conversationId) = await AliceInADirectChatWithBobAsync();
        using var _ = bobHttp;
        await SendAsync(alice, "before the restart");
        await RetriedCalls.SendAsync(bobHttp, conversationId, "bob before the restart");
        await WaitForMessageAsync(alice, "bob before the restart");
        var bobAfter = Enumerable.Range(1, SentWhileAway).Select(i => $"bob while Alice is away {i}").ToArray();

        await RestartMessagingWhileThePageIsAwayAsync(alice,
            whileDisconnected: async () =>
            {
                await SendAsync(alice, "written while disconnected");
                await Expect(alice.Locator("#messages .message.pending[data-state='queued']")).ToContainTextAsync("Waiting for connection");
            },
            whileAway: async () =>
            {
                foreach (var text in bobAfter)
                {
                    await RetriedCalls.SendAsync(bobHttp, conversationId, text);
                }
            });

        await WaitForMessageAsync(alice, bobAfter[^1]);
        await WaitForMessageAsync(alice, "written while disconnected");
        await Expect(alice.Locator("#messages .message.pending")).ToHaveCountAsync(0, new() { Timeout = Patience });
        var shown = await ShownMessagesAsync(alice);
        string[] expected = ["before the restart", "bob before the restart", "written while disconnected", .. bobAfter];
        Assert.Equal(Enumerable.Range(1, expected.Length).Select(seq => (long)seq), shown.Select(m => m.Seq));
        Assert.Equal(expected.Order(), shown.Select(m => m.Text).Order());
        Assert.Equal(bobAfter, shown.Select(m => m.Text).Where(bobAfter.Contains));
    }
}
