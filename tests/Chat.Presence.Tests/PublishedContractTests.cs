extern alias PresenceService;

using System.Net.Http.Json;
using Chat.Testing;
using PresenceProgram = PresenceService::Program;

namespace Chat.Presence.Tests;

/// <summary>Presence's OpenAPI document lists what the README promises and describes every answer the endpoint gives.</summary>
public sealed class PublishedContractTests : IDisposable
{
    private readonly ServiceRouter _router = new();
    private readonly GarnetFixture _garnet = new();
    private readonly IdentityFactory _identity;
    private readonly ChatServiceFactory<PresenceProgram> _presence;

    public PublishedContractTests()
    {
        _identity = new IdentityFactory(_router);
        _router.Add("identity", () => _identity.Server.CreateHandler());
        _presence = new ChatServiceFactory<PresenceProgram>(_router, new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = _garnet.ConnectionString,
            // Who may see whom needs Messaging; the answer's shape is the same without it.
            ["Presence:RestrictToContacts"] = "false",
        });
    }

    public void Dispose()
    {
        _presence.Dispose();
        _identity.Dispose();
        _garnet.Dispose();
    }

    [Fact]
    public async Task TheDocumentListsEveryPresenceEndpointOfTheReadmeContract()
    {
        var contract = await ReadContractAsync();

        PublicContractAssert.ListsEveryReadmeEndpoint(contract, "/api/presence");
    }

    [Fact]
    public async Task TheDocumentHoldsOnlyPublicRoutesWithBearerAuthAndProblemDetails()
    {
        var contract = await ReadContractAsync();

        PublicContractAssert.IsPublicAndDescribesAuthAndErrors(contract);
    }

    [Fact]
    public async Task EveryOperationHasANameAndASummary()
    {
        var contract = await ReadContractAsync();

        PublicContractAssert.NamesAndSummarisesEveryOperation(contract);
    }

    [Fact]
    public async Task EveryAnswerOfTheEndpointIsDescribedByTheDocument()
    {
        var contract = await ReadContractAsync();
        var checker = new ContractCheckingHandler(contract);
        using var client = _presence.CreateDefaultClient(checker);
        var viewer = await _identity.CreateUserAsync();
        using (var internalClient = _presence.CreateClient())
        {
            internalClient.DefaultRequestHeaders.Add("X-Chat-Internal-Key", ChatServiceFactory<PresenceProgram>.InternalKey);
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

    private async Task<PublicApiContract> ReadContractAsync()
    {
        using var client = _presence.CreateClient();
        return await PublicApiContract.ReadAsync(client);
    }
}
