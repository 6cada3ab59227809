using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.System.Tests;

/// <summary>Blocking someone from the web client, and what the blocked person's window then shows.</summary>
[Collection(SystemCollection.Name)]
public sealed class BrowserBlockingTests(ChatApp app) : BrowserTest(app)
{
    [Fact]
    public async Task AfterAliceBlocksBobFromTheConversationDetailsBobsNextMessageIsNotSentAndSaysWhy()
    {
        var aliceName = Unique("alice");
        var bobName = Unique("bob");
        var alice = await SignUpInNewWindowAsync(aliceName, "Alice");
        var bob = await SignUpInNewWindowAsync(bobName, "Bob");
        await OpenDirectChatAsync(alice, bobName, "Bob");
        await SendAsync(alice, "hi bob");
        await OpenDirectChatAsync(bob, aliceName, "Alice");
        await WaitForMessageAsync(bob, "hi bob");
        await WaitUntilConnectedAsync(bob);

        await alice.ClickAsync("#conversation-details");
        var block = alice.Locator("#direct-block");
        await Expect(block).ToHaveTextAsync("Block Bob", new() { Timeout = Patience });
        await block.ClickAsync();
        await Expect(block).ToHaveTextAsync("Unblock Bob", new() { Timeout = Patience });
        await Expect(alice.Locator("#details-block-notice")).ToHaveTextAsync("You blocked Bob. Neither of you can send messages here.");

        await SendAsync(bob, "are you there?");
        var failed = bob.Locator("#messages .message.pending .failed-text");
        await Expect(failed).ToContainTextAsync("Not sent", new() { Timeout = Patience });
        await Expect(failed).ToContainTextAsync("cannot send");
        await Expect(alice.Locator("#messages .message-text").Filter(new() { HasText = "are you there?" })).ToHaveCountAsync(0);

        // Unblocking lets Bob's retry through.
        await block.ClickAsync();
        await Expect(block).ToHaveTextAsync("Block Bob", new() { Timeout = Patience });
        await bob.Locator("#messages .message.pending button").Filter(new() { HasText = "Retry" }).ClickAsync();
        await WaitForMessageAsync(alice, "are you there?");
    }
}
