using System.Net.Http.Json;
using Chat.Testing;

namespace Chat.Presence.Tests;

/// <summary>Presence's OpenAPI document lists what the README promises and describes every answer the endpoint gives.</summary>
public sealed class PublishedContractTests : PublishedDocumentTests, IDisposable
{
    // Who may see whom needs Messaging; the answer's shape is the same without it.
    private readonly ChatCluster _cluster = PresenceOnly.Start(new GarnetFixture(), TimeProvider.System);

    public void Dispose() => _cluster.Dispose();

    protected override string ReadmePrefix => "/api/presence";

    protected override HttpClient CreateServiceClient() => _cluster.Presence.CreateClient();

    [Fact]
    public async Task EveryAnswerOfTheEndpointIsDescribedByTheDocument()
    {
        var contract = await ReadContractAsync();
        var checker = new ContractCheckingHandler(contract);
        using var client = _cluster.Presence.CreateDefaultClient(checker);
        var viewer = await _cluster.Identity.CreateUserAsync();
        using (var internalClient = _cluster.Presence.InternalClient())
        {
            using var report = await internalClient.PostAsJsonAsync("/internal/presence/heartbeats",
                new { connections = new[] { new { userId = 4242, connectionId = "tab-1" } } });
            report.EnsureSuccessStatusCode();
            using var away = await internalClient.PostAsJsonAsync("/internal/presence/away", new { userId = 4242, connectionId = "tab-1", away = true });
            away.EnsureSuccessStatusCode();
        }

        client.DefaultRequestHeaders.Authorization = viewer.Authorization;
        (await client.GetAsync("/api/presence?userIds=4242,4243")).Dispose();
        (await client.GetAsync("/api/presence?userIds=x")).Dispose();
        (await client.GetAsync("/api/presence")).Dispose();
        client.DefaultRequestHeaders.Authorization = null;
        (await client.GetAsync("/api/presence?userIds=4242")).Dispose();

        PublicContractAssert.DescribedEveryAnswer(contract, checker);
    }
}
