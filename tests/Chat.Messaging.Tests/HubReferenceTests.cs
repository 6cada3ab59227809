using Chat.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ChatHub = Chat.Messaging.Hubs.ChatHub;
using IChatClient = Chat.Messaging.Contracts.IChatClient;

namespace Chat.Messaging.Tests;

/// <summary>docs/hub.md is what the hub's code says: regenerate it with CHAT_UPDATE_DOCS=1 after changing the hub.</summary>
public sealed class HubReferenceTests : IDisposable
{
    private readonly MessagingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void TheCommittedHubReferenceIsWhatTheGeneratorWritesFromTheHub()
    {
        // The payload options the running hub serializes with, so the property names are the ones on the wire.
        var payload = _fixture.Messaging.Services.GetRequiredService<IOptions<JsonHubProtocolOptions>>().Value.PayloadSerializerOptions;
        var generated = HubReference.Generate(typeof(ChatHub), typeof(IChatClient), payload);
        var path = Path.Combine(RepositoryFiles.Root, HubReference.DocsPath);

        if (Environment.GetEnvironmentVariable("CHAT_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, generated);
        }

        var committed = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "(missing)";
        Assert.True(committed == generated,
            $"{HubReference.DocsPath} is not what the hub says; run `CHAT_UPDATE_DOCS=1 dotnet test tests/Chat.Messaging.Tests --filter HubReference` and commit it.");
    }

    [Fact]
    public void TheHubReferenceNamesEveryHubMethodAndEveryClientEvent()
    {
        var payload = _fixture.Messaging.Services.GetRequiredService<IOptions<JsonHubProtocolOptions>>().Value.PayloadSerializerOptions;

        var generated = HubReference.Generate(typeof(ChatHub), typeof(IChatClient), payload);

        foreach (var method in new[] { "SendMessage", "EditMessage", "DeleteMessage", "MarkRead", "Typing", "SetPresence", "Sync" })
        {
            Assert.Contains($"### `{method}(", generated);
        }
        foreach (var clientEvent in typeof(IChatClient).GetMethods())
        {
            Assert.Contains($"### `{clientEvent.Name}`", generated);
        }
        Assert.Contains("| `clientMessageId` |", generated);
        Assert.DoesNotContain("OnConnectedAsync", generated);
    }
}
