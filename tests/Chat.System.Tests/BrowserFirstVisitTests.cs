using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.System.Tests;

/// <summary>What a visitor without a session sees: the sign-in screen, reached without a single failing request.</summary>
[Collection(SystemCollection.Name)]
public sealed class BrowserFirstVisitTests(ChatApp app) : BrowserTest(app)
{
    [Fact]
    public async Task ASignedOutVisitShowsTheSignInScreenWithoutAFailingRequestOrAConsoleError()
    {
        var page = await NewBlankWindowAsync();
        var problems = new List<string>();
        void Note(string problem)
        {
            lock (problems)
            {
                problems.Add(problem);
            }
        }
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Note($"console error: {message.Text}");
            }
        };
        page.RequestFailed += (_, request) => Note($"failed: {request.Method} {request.Url} ({request.Failure})");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Note($"HTTP {response.Status}: {response.Request.Method} {response.Url}");
            }
        };

        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Expect(page.Locator("#auth-screen")).ToBeVisibleAsync(new() { Timeout = Patience });
        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Expect(page.Locator("#auth-screen")).ToBeVisibleAsync(new() { Timeout = Patience });

        lock (problems)
        {
            Assert.Empty(problems);
        }
    }
}
