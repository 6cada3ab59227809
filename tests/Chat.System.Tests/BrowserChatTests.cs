using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.System.Tests;

/// <summary>Signing up and in, and two people in two browser windows (Debian's Chromium driven by Playwright), on the real web client.</summary>
[Collection(SystemCollection.Name)]
public sealed class BrowserChatTests(ChatApp app) : BrowserTest(app)
{
    [Fact]
    public async Task ASignedUpUserStaysSignedInAcrossAReloadAndAWrongPasswordIsRefusedWithAClearError()
    {
        var username = Unique("erin");
        var page = await SignUpInNewWindowAsync(username, "Erin");

        await page.ReloadAsync();
        await page.Locator("#me").Filter(new() { HasText = "Erin" }).WaitForAsync(new() { Timeout = Patience });
        await Expect(page.Locator("#auth-screen")).ToBeHiddenAsync();

        await page.ClickAsync("#logout");
        await page.Locator("#auth-screen").WaitForAsync(new() { Timeout = Patience });
        await page.ReloadAsync();
        await page.Locator("#auth-screen").WaitForAsync(new() { Timeout = Patience });
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", "not the passphrase");
        await page.ClickAsync("#login");

        await Expect(page.Locator("#auth-error")).ToHaveTextAsync("Invalid username or password.", new() { Timeout = Patience });
        await Expect(page.Locator("#chat-screen")).ToBeHiddenAsync();
        await page.FillAsync("#password", Password);
        await page.ClickAsync("#login");
        await page.Locator("#me").Filter(new() { HasText = "Erin" }).WaitForAsync(new() { Timeout = Patience });
        await Expect(page.Locator("#auth-error")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task SeveralTabsReloadingAtOnceAllStaySignedIn()
    {
        // Each reload exchanges the rotating refresh cookie; tabs that raced would replay it and end the session.
        var first = await SignUpInNewWindowAsync(Unique("gina"), "Gina");
        var tabs = new List<IPage> { first };
        for (var i = 0; i < 3; i++)
        {
            var tab = await first.Context.NewPageAsync();
            await tab.GotoAsync("/");
            await tab.Locator("#me").Filter(new() { HasText = "Gina" }).WaitForAsync(new() { Timeout = Patience });
            tabs.Add(tab);
        }

        await Task.WhenAll(tabs.Select(tab => tab.ReloadAsync()));

        foreach (var tab in tabs)
        {
            await tab.Locator("#me").Filter(new() { HasText = "Gina" }).WaitForAsync(new() { Timeout = Patience });
            await Expect(tab.Locator("#auth-screen")).ToBeHiddenAsync();
        }
        await first.ReloadAsync();
        await first.Locator("#me").Filter(new() { HasText = "Gina" }).WaitForAsync(new() { Timeout = Patience });
    }

    [Fact]
    public async Task AMessageTypedInOneWindowAppearsInTheOtherAsPlainText()
    {
        var alice = await SignUpInNewWindowAsync(Unique("alice"), "Alice");
        var bobName = Unique("bob");
        var bob = await SignUpInNewWindowAsync(bobName, "Bob");
        const string text = "Hi Bob! <b>not bold</b> <img src=x onerror=alert(1)>";

        await OpenDirectChatAsync(alice, bobName, "Bob");
        await SendAsync(alice, text);

        await bob.Locator("#conversations [data-conversation-id]").First.ClickAsync(new() { Timeout = Patience });
        var received = bob.Locator("#messages .message[data-seq='1'] .message-text");
        await received.WaitForAsync(new() { Timeout = Patience });
        Assert.Equal(text, await received.TextContentAsync());
        Assert.Equal(0, await bob.Locator("#messages .message-text b, #messages .message-text img").CountAsync());
        await alice.Locator("#messages .message[data-seq='1']").WaitForAsync(new() { Timeout = Patience });
        Assert.Equal(1, await alice.Locator("#messages .message").CountAsync());

        if (ScreenshotDirectory is not null)
        {
            await SendAsync(bob, "Hello Alice, all good here.");
            await alice.Locator("#messages .message[data-seq='2']").WaitForAsync(new() { Timeout = Patience });
            await SaveScreenshotAsync(alice, "web-client.png");
        }
    }

    [Fact]
    public async Task WhenBobsPageClosesAliceSeesHimGoOfflineWithLastSeenInTheConversationDetails()
    {
        var alice = await SignUpInNewWindowAsync(Unique("alice"), "Alice");
        var bobName = Unique("bob");
        var bob = await SignUpInNewWindowAsync(bobName, "Bob");
        await WaitUntilConnectedAsync(bob);
        var bobId = await OpenDirectChatAsync(alice, bobName, "Bob");

        await WaitForPresenceInDetailsAsync(alice, bobId, "online");
        await alice.ClickAsync("#details-close");
        await bob.CloseAsync();

        await WaitForPresenceInDetailsAsync(alice, bobId, "offline");
        await Expect(alice.Locator($"#group-members li[data-member-id='{bobId}'] .member-presence")).ToContainTextAsync("last seen");
    }

    [Fact]
    public async Task WhenBobsPageClosesAlicesOpenChatShowsHimOfflineWithoutAnyClick()
    {
        var alice = await SignUpInNewWindowAsync(Unique("alice"), "Alice");
        var bobName = Unique("bob");
        var bob = await SignUpInNewWindowAsync(bobName, "Bob");
        await WaitUntilConnectedAsync(bob);
        await OpenDirectChatAsync(alice, bobName, "Bob");
        var conversationId = await OpenConversationIdAsync(alice);
        var headerDot = alice.Locator("#conversation-avatar .presence-dot");
        var listDot = alice.Locator($"#conversations [data-conversation-id='{conversationId}'] .presence-dot");
        await Expect(headerDot).ToHaveAttributeAsync("data-presence", "online", new() { Timeout = Patience });

        await bob.CloseAsync();

        // Presence's heartbeat timeout (30 s) bounds it even if the close were missed.
        await Expect(headerDot).ToHaveAttributeAsync("data-presence", "offline", new() { Timeout = 45_000 });
        await Expect(listDot).ToHaveAttributeAsync("data-presence", "offline");
        await Expect(alice.Locator("#conversation-subtitle")).ToContainTextAsync("last seen");
    }

    /// <summary>
    /// The details dialog asks for presence each time it opens: reopen it until the member shows <paramref name="status"/>,
    /// and leave it open.
    /// </summary>
    private static async Task WaitForPresenceInDetailsAsync(IPage page, string userId, string status)
    {
        var dot = page.Locator($"#group-members li[data-member-id='{userId}'] .presence-dot[data-presence='{status}']");
        for (var attempt = 1; ; attempt++)
        {
            await page.ClickAsync("#conversation-details");
            await page.Locator("dialog#details-dialog").WaitForAsync(new() { Timeout = Patience });
            try
            {
                await dot.WaitForAsync(new() { Timeout = 1_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 30)
            {
                await page.ClickAsync("#details-close");
            }
        }
    }
}
