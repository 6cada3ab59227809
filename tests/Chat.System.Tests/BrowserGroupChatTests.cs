using Chat.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.System.Tests;

/// <summary>Three people in a group, in three browser windows; attachments from the composer.</summary>
[Collection(SystemCollection.Name)]
public sealed class BrowserGroupChatTests(ChatApp app) : BrowserTest(app)
{
    [Fact]
    public async Task ThreePeopleInAGroupSeeEachOthersMessagesAndTheOneTheOwnerRemovesLosesTheGroup()
    {
        var (bobName, carolName) = (Unique("bob"), Unique("carol"));
        var alice = await SignUpInNewWindowAsync(Unique("alice"), "Alice Martin");
        var bob = await SignUpInNewWindowAsync(bobName, "Bob Chen");
        var carol = await SignUpInNewWindowAsync(carolName, "Carol Diaz");
        if (ScreenshotDirectory is not null)
        {
            // A fuller list for the screenshot: direct chats next to the group, one of them unread.
            await OpenDirectChatAsync(bob, carolName, "Carol Diaz");
            await SendAsync(bob, "Did you get the tickets?");
            await OpenDirectChatAsync(alice, bobName, "Bob Chen");
            await SendAsync(alice, "Call you tonight about the trip");
        }

        await alice.ClickAsync("#new-group");
        await alice.FillAsync("#group-title", "Weekend trip");
        var bobId = await PickMemberAsync(alice, bobName);
        var carolId = await PickMemberAsync(alice, carolName);
        await Expect(alice.Locator("#group-selected .chip")).ToHaveCountAsync(2);
        await Expect(alice.Locator("#group-count")).ToContainTextAsync("3 / 50");
        await alice.ClickAsync("#group-create");
        await alice.Locator("#conversation-title").Filter(new() { HasText = "Weekend trip" }).WaitForAsync(new() { Timeout = Patience });
        var groupId = await OpenConversationIdAsync(alice);
        var group = $"#conversations [data-conversation-id='{groupId}'][data-kind='group']";

        foreach (var member in new[] { bob, carol })
        {
            await member.ClickAsync(group, new() { Timeout = Patience });
            await member.Locator("#conversation-title").Filter(new() { HasText = "Weekend trip" }).WaitForAsync(new() { Timeout = Patience });
        }
        await SendAsync(alice, "Who is driving on Saturday?");
        await WaitForMessageAsync(bob, "Who is driving on Saturday?");
        await SendAsync(bob, "I can drive, the car has five seats.");
        await WaitForMessageAsync(carol, "I can drive, the car has five seats.");
        await SendAsync(carol, "Great, I will bring the snacks.");

        string[] said = ["Who is driving on Saturday?", "I can drive, the car has five seats.", "Great, I will bring the snacks."];
        foreach (var page in new[] { alice, bob, carol })
        {
            await WaitForMessageAsync(page, said[^1]);
            var shown = await ShownMessagesAsync(page);
            Assert.Equal(said, shown.Select(m => m.Text).Where(said.Contains));
            Assert.Equal(shown.Select(m => m.Seq).Order(), shown.Select(m => m.Seq));
            await Expect(page.Locator("#messages .message.system .system-text").First).ToContainTextAsync("created the group “Weekend trip”");
        }
        Assert.Equal(1, await alice.Locator("#messages .message.own .message-text").CountAsync());
        if (ScreenshotDirectory is not null)
        {
            // A picture in the group, as the README shows it.
            await bob.SetInputFilesAsync("#file-input", new FilePayload { Name = "sunset.png", MimeType = "image/png", Buffer = TestImages.Gradient(480, 300) });
            await bob.Locator("#attachments .attachment[data-state='done']").WaitForAsync(new() { Timeout = Patience });
            await SendAsync(bob, "The view from the cabin!");
            await alice.Locator("#messages .media-image img").WaitForAsync(new() { Timeout = Patience });
            await alice.WaitForFunctionAsync("() => [...document.querySelectorAll('#messages .media-image img')].every(i => i.complete && i.naturalWidth > 0)");
        }
        await SaveScreenshotAsync(alice, "group-chat.png");
        if (ScreenshotDirectory is not null)
        {
            await bob.SetViewportSizeAsync(400, 720);
            await bob.ClickAsync("#back");
            await Expect(bob.Locator("#conversations [data-conversation-id]")).ToHaveCountAsync(3);
            await SaveScreenshotAsync(bob, "conversation-list.png");
            await bob.SetViewportSizeAsync(1100, 700);
            await bob.ClickAsync(group);
        }

        alice.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await alice.ClickAsync("#conversation-details");
        await Expect(alice.Locator("dialog#details-dialog #group-members li[data-member-id]")).ToHaveCountAsync(3);
        await alice.ClickAsync($"#details-dialog button.remove-member[data-remove-member='{carolId}']");

        await carol.Locator(group).WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = Patience });
        await Expect(alice.Locator("#group-members li[data-member-id]")).ToHaveCountAsync(2, new() { Timeout = Patience });
        await Expect(alice.Locator($"#group-members li[data-member-id='{bobId}']")).ToHaveCountAsync(1);
        await alice.ClickAsync("#details-close");
        await Expect(bob.Locator("#messages .message.system .system-text").Last).ToContainTextAsync("Alice Martin removed Carol Diaz", new() { Timeout = Patience });
        await Expect(alice.Locator("#messages .message.system .system-text").Last).ToContainTextAsync("You removed Carol Diaz", new() { Timeout = Patience });
    }

    [Fact]
    public async Task AnImageChosenWithTheFileInputShowsUploadProgressThenIsReadyToSend()
    {
        var alice = await SignUpInNewWindowAsync(Unique("alice"), "Alice");
        var bobName = Unique("bob");
        await SignUpInNewWindowAsync(bobName, "Bob");
        await OpenDirectChatAsync(alice, bobName, "Bob");

        // The upload is held at the browser's edge until the test has seen it in progress.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await alice.RouteAsync("**/api/media?**", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        await alice.SetInputFilesAsync("#file-input", new FilePayload { Name = "dot.png", MimeType = "image/png", Buffer = TestImages.Png(2, 2) });

        var attachment = alice.Locator("#attachments .attachment").Filter(new() { HasText = "dot.png" });
        await Expect(attachment).ToHaveAttributeAsync("data-state", "uploading", new() { Timeout = Patience });
        await Expect(attachment.Locator("progress.upload-progress")).ToBeVisibleAsync();
        await Expect(alice.Locator("#send")).ToBeDisabledAsync();
        release.SetResult();
        await Expect(attachment).ToHaveAttributeAsync("data-state", "done", new() { Timeout = Patience });
        await Expect(attachment.Locator("progress.upload-progress")).ToHaveCountAsync(0);
        await Expect(alice.Locator("#send")).ToBeEnabledAsync();
    }

    [Fact]
    public async Task AnImageSentInAGroupShowsAsAThumbnailToEveryMemberAndOpensFullSize()
    {
        var alice = await SignUpInNewWindowAsync(Unique("alice"), "Alice");
        var bobName = Unique("bob");
        var bob = await SignUpInNewWindowAsync(bobName, "Bob");
        await OpenDirectChatAsync(alice, bobName, "Bob");
        var conversationId = await OpenConversationIdAsync(alice);

        await alice.SetInputFilesAsync("#file-input", new FilePayload { Name = "dot.png", MimeType = "image/png", Buffer = TestImages.Png(2, 2) });
        await Expect(alice.Locator("#attachments .attachment")).ToHaveAttributeAsync("data-state", "done", new() { Timeout = Patience });
        await SendAsync(alice, "Here is the map");

        await bob.ClickAsync($"#conversations [data-conversation-id='{conversationId}']", new() { Timeout = Patience });
        foreach (var page in new[] { alice, bob })
        {
            var thumbnail = page.Locator("#messages .message[data-seq] .media-item[data-media-id] .media-image img");
            await thumbnail.WaitForAsync(new() { Timeout = Patience });
            await Expect(thumbnail).ToHaveJSPropertyAsync("naturalWidth", 2, new() { Timeout = Patience });
        }
        await bob.ClickAsync("#messages .media-image");
        await Expect(bob.Locator("dialog#lightbox")).ToBeVisibleAsync();
    }

    /// <summary>Picks someone in the new-group dialog; returns their user id.</summary>
    private static async Task<string> PickMemberAsync(IPage page, string username)
    {
        await page.FillAsync("#group-member-search", username);
        var result = page.Locator("#group-member-results button[data-user-id]").Filter(new() { HasText = "@" + username });
        var userId = (await result.GetAttributeAsync("data-user-id", new() { Timeout = Patience }))!;
        await result.ClickAsync();
        await Expect(result).ToHaveAttributeAsync("aria-pressed", "true");
        return userId;
    }
}
