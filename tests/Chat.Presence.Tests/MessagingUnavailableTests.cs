using System.Net;
using Chat.Testing;

namespace Chat.Presence.Tests;

/// <summary>
/// Presence starts before Messaging and asks it who may see whom: until Messaging answers, presence queries say so
/// with a 503 problem the client can retry, not a bare 500.
/// </summary>
public sealed class MessagingUnavailableTests : IDisposable
{
    // No Messaging in the cluster: every call to it fails to connect, as before Messaging has started.
    private readonly ChatCluster _cluster = ChatCluster.With(new GarnetFixture()).Presence().Build();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task APresenceQueryWhileMessagingIsDownIsAServiceUnavailableProblemWithRetryAfter()
    {
        var viewer = await _cluster.CreateUserAsync();
        using var client = _cluster.Presence.ClientFor(viewer);

        using var response = await client.GetAsync("/api/presence?userIds=1");

        await ProblemAssertions.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "service-unavailable");
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
