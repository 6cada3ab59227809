using System.Net.Http.Json;
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
        var alice = await SignUpInNewWindowAsync(Unique("alice"), "Alice");
        var bobName = Unique("bob");
        var bob = await App.SignUpAsync(bobName);
        using var bobHttp = App.CreateClient(bob.Token);
        await OpenDirectChatAsync(alice, bobName, bobName);
        var conversationId = await OpenConversationIdAsync(alice);
        await WaitUntilConnectedAsync(alice);
        await SendAsync(alice, "before the restart");
        await SendWithRetriesAsync(bobHttp, conversationId, "bob before the restart");
        await WaitForMessageAsync(alice, "bob before the restart");

        var replica = await App.CrashMessagingAsync();
        await Expect(alice.Locator("#connection-banner")).ToBeVisibleAsync(new() { Timeout = Patience });
        await SendAsync(alice, "written while disconnected");
        await Expect(alice.Locator("#messages .message.pending[data-state='queued']")).ToContainTextAsync("Waiting for connection");
        // The page stays offline until Bob has sent, so what he sends can only reach it through catch-up.
        await alice.Context.SetOfflineAsync(true);
        await App.StartMessagingAgainAsync(replica);
        var bobAfter = Enumerable.Range(1, SentWhileAway).Select(i => $"bob while Alice is away {i}").ToArray();
        foreach (var text in bobAfter)
        {
            await SendWithRetriesAsync(bobHttp, conversationId, text);
        }
        await alice.Context.SetOfflineAsync(false);

        await Expect(alice.Locator("#connection-banner")).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await WaitForMessageAsync(alice, bobAfter[^1]);
        await WaitForMessageAsync(alice, "written while disconnected");
        await Expect(alice.Locator("#messages .message.pending")).ToHaveCountAsync(0, new() { Timeout = Patience });
        var shown = await ShownMessagesAsync(alice);
        string[] expected = ["before the restart", "bob before the restart", "written while disconnected", .. bobAfter];
        Assert.Equal(Enumerable.Range(1, expected.Length).Select(seq => (long)seq), shown.Select(m => m.Seq));
        Assert.Equal(expected.Order(), shown.Select(m => m.Text).Order());
        Assert.Equal(bobAfter, shown.Select(m => m.Text).Where(bobAfter.Contains));
    }

    /// <summary>A request lost to the restarting replica is sent again with the same id: the store keeps one.</summary>
    private static async Task SendWithRetriesAsync(HttpClient client, string conversationId, string text)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = text, text });
                if (response.IsSuccessStatusCode || attempt == 20)
                {
                    response.EnsureSuccessStatusCode();
                    return;
                }
            }
            catch (HttpRequestException) when (attempt < 20)
            {
            }
            await Task.Delay(250);
        }
    }
}
