using Microsoft.Playwright;

namespace Chat.System.Tests;

/// <summary>Two people, two browser windows (Debian's Chromium driven by Playwright), the real web client.</summary>
[Collection(SystemCollection.Name)]
public sealed class BrowserChatTests(ChatApp app) : IClassFixture<ChatApp>, IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private static readonly float Patience = 20_000;

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

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

    [Fact]
    public async Task AMessageTypedInOneWindowAppearsInTheOtherAsPlainText()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var alice = await SignUpInNewWindowAsync("alice_" + suffix, "Alice");
        var bob = await SignUpInNewWindowAsync("bob_" + suffix, "Bob");
        const string text = "Hi Bob! <b>not bold</b> <img src=x onerror=alert(1)>";

        await alice.FillAsync("#user-search", "bob_" + suffix);
        await alice.ClickAsync($"#user-results button:has-text('bob_{suffix}')");
        await alice.Locator("#conversation-title").Filter(new() { HasText = "Bob" }).WaitForAsync(new() { Timeout = Patience });
        await alice.FillAsync("textarea#composer", text);
        await alice.PressAsync("textarea#composer", "Enter");

        await bob.Locator("#conversations [data-conversation-id]").First.ClickAsync(new() { Timeout = Patience });
        var received = bob.Locator("#messages .message[data-seq='1'] .message-text");
        await received.WaitForAsync(new() { Timeout = Patience });
        Assert.Equal(text, await received.TextContentAsync());
        Assert.Equal(0, await bob.Locator("#messages .message-text b, #messages .message-text img").CountAsync());
        await alice.Locator("#messages .message[data-seq='1']").WaitForAsync(new() { Timeout = Patience });
        Assert.Equal(1, await alice.Locator("#messages .message").CountAsync());

        if (Environment.GetEnvironmentVariable("CHAT_SCREENSHOT_DIR") is { Length: > 0 } screenshots)
        {
            await bob.FillAsync("textarea#composer", "Hello Alice, all good here.");
            await bob.PressAsync("textarea#composer", "Enter");
            await alice.Locator("#messages .message[data-seq='2']").WaitForAsync(new() { Timeout = Patience });
            await alice.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "web-client.png") });
        }
    }

    private async Task<IPage> SignUpInNewWindowAsync(string username, string displayName)
    {
        var context = await _browser.NewContextAsync(new() { BaseURL = app.Gateway.ToString(), ViewportSize = new() { Width = 1100, Height = 700 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", "a long enough passphrase");
        await page.FillAsync("#display-name", displayName);
        await page.ClickAsync("#signup");
        await page.Locator("#me").Filter(new() { HasText = displayName }).WaitForAsync(new() { Timeout = Patience });
        return page;
    }
}
