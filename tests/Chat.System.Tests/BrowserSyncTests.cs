using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
        var alice = await SignUpInNewWindowAsync(Unique("alice"), "Alice");
        var bobName = Unique("bob");
        var bob = await App.SignUpAsync(bobName);
        using var bobHttp = App.CreateClient(bob.Token);
        await OpenDirectChatAsync(alice, bobName, bobName);
        var conversationId = await OpenConversationIdAsync(alice);
        await WaitUntilConnectedAsync(alice);
        var seqs = new List<long>();
        for (var i = 1; i <= Deleted; i++)
        {
            using var sent = await bobHttp.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = $"b{i}", text = $"bob {i} of {Deleted}" });
            sent.EnsureSuccessStatusCode();
            seqs.Add((await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("seq").GetInt64());
        }
        // The page holds every one of them, pushed live.
        var bobsTexts = alice.Locator("#messages .message[data-seq] .message-text").Filter(new() { HasTextRegex = new($"^bob \\d+ of {Deleted}$") });
        await Expect(bobsTexts).ToHaveCountAsync(Deleted, new() { Timeout = 60_000 });

        var replica = await App.CrashMessagingAsync();
        await Expect(alice.Locator("#connection-banner")).ToBeVisibleAsync(new() { Timeout = Patience });
        // The page stays offline until Bob has deleted everything, so it learns of the deletes only through Sync.
        await alice.Context.SetOfflineAsync(true);
        await App.StartMessagingAgainAsync(replica);
        foreach (var seq in seqs)
        {
            await DeleteWithRetriesAsync(bobHttp, conversationId, seq);
        }
        await alice.Context.SetOfflineAsync(false);

        await Expect(alice.Locator("#connection-banner")).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Expect(alice.Locator("#messages .message.deleted[data-seq]")).ToHaveCountAsync(Deleted, new() { Timeout = 30_000 });
        await Expect(bobsTexts).ToHaveCountAsync(0);
    }

    /// <summary>A request lost to the restarting replica is sent again; a delete that already went through is refused the second time.</summary>
    private static async Task DeleteWithRetriesAsync(HttpClient client, string conversationId, long seq)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await client.DeleteAsync($"/api/conversations/{conversationId}/messages/{seq}");
                if (response.IsSuccessStatusCode || (attempt > 1 && response.StatusCode == HttpStatusCode.Forbidden) || attempt == 20)
                {
                    Assert.True(response.IsSuccessStatusCode || attempt > 1, $"Deleting {seq} answered {response.StatusCode}.");
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
