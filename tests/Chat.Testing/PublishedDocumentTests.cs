using Xunit;

namespace Chat.Testing;

/// <summary>
/// What every service's published OpenAPI document must hold, run once per service: a service's test class names its
/// test server and its README prefix, and adds the scenario that calls every operation.
/// </summary>
public abstract class PublishedDocumentTests
{
    /// <summary>The path prefix of this service's calls in the README's contract table.</summary>
    protected abstract string ReadmePrefix { get; }

    /// <summary>A client of the service's own test server, which serves <c>/openapi/v1.json</c>.</summary>
    protected abstract HttpClient CreateServiceClient();

    [Fact]
    public async Task TheDocumentListsEveryEndpointOfTheReadmeContract()
    {
        var contract = await ReadContractAsync();

        PublicContractAssert.ListsEveryReadmeEndpoint(contract, ReadmePrefix);
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

    protected async Task<PublicApiContract> ReadContractAsync()
    {
        using var client = CreateServiceClient();
        return await PublicApiContract.ReadAsync(client);
    }
}
