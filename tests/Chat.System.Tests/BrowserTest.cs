using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.System.Tests;

/// <summary>
/// One Playwright and one Debian Chromium per test class; every person gets a window of their own (a browser
/// context, so their own refresh cookie) on the real web client, through the gateway.
/// </summary>
public abstract class BrowserTest(ChatApp app) : IAsyncLifetime
{
    protected const float Patience = 20_000;
    protected const string Password = "a long enough passphrase";
    private const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    protected ChatApp App => app;

    /// <summary>Where the README's screenshots go when asked for; tests never write into the repository otherwise.</summary>
    protected static string? ScreenshotDirectory => Environment.GetEnvironmentVariable("CHAT_SCREENSHOT_DIR") is { Length: > 0 } directory ? directory : null;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"Browser tests drive Debian's Chromium at {ChromiumPath}; install it with 'apt-get install chromium'.");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    protected static string Unique(string name) => $"{name}_{Guid.NewGuid().ToString("N")[..6]}";

    protected async Task<IPage> NewWindowAsync()
    {
        var page = await NewBlankWindowAsync();
        await page.GotoAsync("/");
        return page;
    }

    /// <summary>A window that has not loaded anything yet (to watch its very first requests).</summary>
    protected async Task<IPage> NewBlankWindowAsync()
    {
        var context = await _browser.NewContextAsync(new() { BaseURL = App.Gateway.ToString(), ViewportSize = new() { Width = 1100, Height = 700 } });
        return await context.NewPageAsync();
    }

    protected async Task<IPage> SignUpInNewWindowAsync(string username, string displayName)
    {
        var page = await NewWindowAsync();
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", Password);
        await page.FillAsync("#display-name", displayName);
        await page.ClickAsync("#signup");
        await page.Locator("#me").Filter(new() { HasText = displayName }).WaitForAsync(new() { Timeout = Patience });
        return page;
    }

    /// <summary>Alice in a window of her own, in a direct conversation (open on her page, connected) with Bob, who calls over HTTP.</summary>
    protected async Task<(IPage Alice, HttpClient BobHttp, string ConversationId)> AliceInADirectChatWithBobAsync()
    {
        var alice = await SignUpInNewWindowAsync(Unique("alice"), "Alice");
        var bobName = Unique("bob");
        var bob = await App.SignUpAsync(bobName);
        var bobHttp = App.CreateClient(bob.Token);
        await OpenDirectChatAsync(alice, bobName, bobName);
        var conversationId = await OpenConversationIdAsync(alice);
        await WaitUntilConnectedAsync(alice);
        return (alice, bobHttp, conversationId);
    }

    /// <summary>
    /// Kills Messaging and waits until the page says it is disconnected, then runs <paramref name="whileDisconnected"/>.
    /// The page then stays offline while Messaging starts again and <paramref name="whileAway"/> runs, so what that
    /// changes reaches the page only through catch-up; then it comes back, and this returns once it has reconnected.
    /// </summary>
    protected async Task RestartMessagingWhileThePageIsAwayAsync(IPage page, Func<Task> whileAway, Func<Task>? whileDisconnected = null)
    {
        var replica = await App.CrashMessagingAsync();
        await Expect(page.Locator("#connection-banner")).ToBeVisibleAsync(new() { Timeout = Patience });
        if (whileDisconnected is not null)
        {
            await whileDisconnected();
        }
        await page.Context.SetOfflineAsync(true);
        await App.StartMessagingAgainAsync(replica);
        await whileAway();
        await page.Context.SetOfflineAsync(false);
        await Expect(page.Locator("#connection-banner")).ToBeHiddenAsync(new() { Timeout = 30_000 });
    }

    /// <summary>The hub connection is up (the banner's status, hidden or not, says so).</summary>
    protected static Task WaitUntilConnectedAsync(IPage page) =>
        page.Locator("#connection-banner[data-status='connected']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = Patience });

    /// <summary>Finds someone with the sidebar search and opens the direct chat with them; returns their user id.</summary>
    protected static async Task<string> OpenDirectChatAsync(IPage page, string username, string displayName)
    {
        await page.FillAsync("#user-search", username);
        var result = page.Locator("#user-results button[data-user-id]").Filter(new() { HasText = "@" + username });
        var userId = (await result.GetAttributeAsync("data-user-id", new() { Timeout = Patience }))!;
        await result.ClickAsync();
        await page.Locator("#conversation-title").Filter(new() { HasText = displayName }).WaitForAsync(new() { Timeout = Patience });
        return userId;
    }

    protected static async Task<string> OpenConversationIdAsync(IPage page) =>
        (await page.Locator("#conversations [data-conversation-id][aria-current='true']").GetAttributeAsync("data-conversation-id", new() { Timeout = Patience }))!;

    protected static async Task SendAsync(IPage page, string text)
    {
        await page.FillAsync("textarea#composer", text);
        await page.PressAsync("textarea#composer", "Enter");
    }

    protected static Task WaitForMessageAsync(IPage page, string text) =>
        page.Locator("#messages .message[data-seq] .message-text").Filter(new() { HasTextRegex = new($"^{Regex.Escape(text)}$") })
            .WaitForAsync(new() { Timeout = Patience });

    /// <summary>The open conversation's stored messages as the page shows them, top to bottom: (seq, text; system notices too).</summary>
    protected static async Task<IReadOnlyList<(long Seq, string Text)>> ShownMessagesAsync(IPage page)
    {
        var rows = await page.Locator("#messages .message[data-seq]").EvaluateAllAsync<string[][]>(
            "rows => rows.map(r => [r.dataset.seq, (r.querySelector('.message-text, .system-text')?.textContent ?? '')])");
        return rows.Select(row => (long.Parse(row[0], CultureInfo.InvariantCulture), row[1])).ToArray();
    }

    protected static async Task SaveScreenshotAsync(IPage page, string fileName)
    {
        if (ScreenshotDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
            await page.ScreenshotAsync(new() { Path = Path.Combine(directory, fileName) });
        }
    }
}
