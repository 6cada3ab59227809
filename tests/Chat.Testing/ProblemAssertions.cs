using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Xunit;

namespace Chat.Testing;

/// <summary>How every refusal in the contract is checked: an HTTP ProblemDetails, or a hub error whose message starts with a stable code.</summary>
public static class ProblemAssertions
{
    /// <summary>The base of every problem <c>type</c>; tests name only what follows it.</summary>
    public const string TypeBase = "https://chat.example/problems/";

    private const string HubMarker = "HubException: ";

    /// <summary>Asserts the response is a ProblemDetails with this status and <c>type</c> (e.g. <c>"not-allowed"</c>); answers it for further checks.</summary>
    public static async Task<ProblemResponse> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemResponse>();
        Assert.NotNull(problem);
        Assert.Equal(TypeBase + type, problem.Type);
        return problem;
    }

    /// <summary>Asserts the hub call fails with a <c>HubException</c> whose message starts with <c>code:</c>; answers that message.</summary>
    public static async Task<string> AssertHubErrorAsync(Func<Task> call, string code)
    {
        var error = await Assert.ThrowsAsync<HubException>(call);
        var text = HubErrorText(error);
        Assert.StartsWith(code + ":", text, StringComparison.Ordinal);
        return text;
    }

    /// <summary>What a hub method threw, as its <c>HubException</c> said it ("code: detail"), without the text SignalR puts before it.</summary>
    public static string HubErrorText(Exception error) =>
        error.Message.IndexOf(HubMarker, StringComparison.Ordinal) is var at and >= 0 ? error.Message[(at + HubMarker.Length)..] : error.Message;
}
