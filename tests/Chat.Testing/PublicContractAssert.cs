using System.Text.Json.Nodes;
using Xunit;

namespace Chat.Testing;

/// <summary>The checks every service's published document must pass, shared so the four services are held to one rule.</summary>
public static class PublicContractAssert
{
    /// <summary>Every README contract row under <paramref name="pathPrefix"/> is an operation of the document.</summary>
    public static void ListsEveryReadmeEndpoint(PublicApiContract contract, params string[] pathPrefix)
    {
        var promised = ReadmeContract.Read()
            .Where(call => pathPrefix.Any(prefix => call.Path.StartsWith(prefix, StringComparison.Ordinal)))
            .ToList();
        Assert.NotEmpty(promised);
        var missing = promised.Where(call => contract.FindTemplate(call.Method, call.Path) is null).ToList();
        Assert.True(missing.Count == 0,
            $"The README's contract lists endpoints the document lacks: {string.Join("; ", missing)}. It has: {string.Join("; ", contract.Operations)}");
    }

    /// <summary>Only public routes, bearer auth described, every error a ProblemDetails, no service address given away.</summary>
    public static void IsPublicAndDescribesAuthAndErrors(PublicApiContract contract)
    {
        var document = contract.Document;
        Assert.StartsWith("3.", document["openapi"]!.GetValue<string>());
        Assert.All(contract.Operations, operation => Assert.StartsWith("/api/", operation.Path));
        Assert.DoesNotContain("/internal", document["paths"]!.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Null(document["servers"]);

        var bearer = document["components"]?["securitySchemes"]?["Bearer"];
        Assert.Equal("http", bearer?["type"]?.GetValue<string>());
        Assert.Equal("bearer", bearer?["scheme"]?.GetValue<string>());

        foreach (var operation in contract.Operations)
        {
            var responses = (JsonObject)operation.Node["responses"]!;
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5' or 'd'))
            {
                var content = response!["content"] as JsonObject;
                Assert.True(content?.ContainsKey("application/problem+json") == true,
                    $"{operation} → {status} is not described as application/problem+json ProblemDetails.");
            }
            Assert.True(responses.ContainsKey("4XX"), $"{operation} does not say its other errors are ProblemDetails.");
        }
    }

    /// <summary>Every operation has a name (operationId) and a one-line summary, so the reference page reads as a list of actions.</summary>
    public static void NamesAndSummarisesEveryOperation(PublicApiContract contract)
    {
        var unnamed = contract.Operations.Where(o => string.IsNullOrWhiteSpace(o.Node["operationId"]?.GetValue<string>())).ToList();
        var unsummarised = contract.Operations.Where(o => string.IsNullOrWhiteSpace(o.Node["summary"]?.GetValue<string>())).ToList();
        Assert.True(unnamed.Count == 0 && unsummarised.Count == 0,
            $"Without a name: {string.Join("; ", unnamed)}. Without a summary: {string.Join("; ", unsummarised)}.");
    }

    /// <summary>No answer departed from the document, and every documented operation was called at least once.</summary>
    public static void DescribedEveryAnswer(PublicApiContract contract, ContractCheckingHandler checker)
    {
        Assert.True(checker.Violations.Count == 0,
            "Answers the document does not describe:" + Environment.NewLine + string.Join(Environment.NewLine, checker.Violations));
        var uncalled = contract.Operations.Select(o => o.ToString()).Except(checker.Called).ToList();
        Assert.True(uncalled.Count == 0, $"The test called no {string.Join("; ", uncalled)}: add them, so their answers are checked too.");
    }
}
