extern alias PresenceService;

using System.Net;
using System.Net.Http.Json;
using Chat.Testing;
using Microsoft.AspNetCore.Mvc;
using PresenceProgram = PresenceService::Program;

namespace Chat.Presence.Tests;

/// <summary>
/// Presence starts before Messaging and asks it who may see whom: until Messaging answers, presence queries say so
/// with a 503 problem the client can retry, not a bare 500.
/// </summary>
public sealed class MessagingUnavailableTests : IDisposable
{
    private readonly ServiceRouter _router = new();
    private readonly GarnetFixture _garnet = new();
    private readonly IdentityFactory _identity;
    private readonly ChatServiceFactory<PresenceProgram> _presence;

    public MessagingUnavailableTests()
    {
        _identity = new IdentityFactory(_router);
        _router.Add("identity", () => _identity.Server.CreateHandler());
        // No "messaging" route: every call to it fails to connect, as before Messaging has started.
        _presence = new ChatServiceFactory<PresenceProgram>(_router, new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = _garnet.ConnectionString,
        });
    }

    public void Dispose()
    {
        _presence.Dispose();
        _identity.Dispose();
        _garnet.Dispose();
    }

    [Fact]
    public async Task APresenceQueryWhileMessagingIsDownIsAServiceUnavailableProblemWithRetryAfter()
    {
        var viewer = await _identity.CreateUserAsync();
        using var client = _presence.CreateClient();
        client.DefaultRequestHeaders.Authorization = viewer.Authorization;

        using var response = await client.GetAsync("/api/presence?userIds=1");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal("https://chat.example/problems/service-unavailable", problem?.Type);
    }
}
