using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Net.Http.Headers;

namespace Chat.Messaging.Tests;

/// <summary>
/// Ending a session in Identity ends it in Messaging within one poll of the revocation feed: HTTP calls with its
/// access token are refused and its hub connections closed, while the user's other sessions go on.
/// </summary>
// A short poll, so the tests wait briefly; they wait for the outcome, never for a duration.
public sealed class SessionRevocationTests() : MessagingFixture(messaging => messaging.Set("Chat:Tokens:RevocationPollInterval", TimeSpan.FromMilliseconds(50)))
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AfterLogoutTheSessionsAccessTokenIsRefusedAndItsHubConnectionClosed()
    {
        var user = await Identity.CreateUserAsync();
        var session = await LogInAsync(user.Username);
        await using var hub = Messaging.CreateHubConnection(session.AccessToken);
        var closed = ClosedAsync(hub);
        await hub.StartAndSyncAsync();
        Assert.Equal(HttpStatusCode.OK, await ListConversationsAsync(session.AccessToken));

        await LogOutAsync(session.RefreshToken);

        await WaitUntilRefusedAsync(session.AccessToken);
        await closed.WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, await ListConversationsAsync(user.AccessToken));
    }

    [Fact]
    public async Task AfterAPasswordChangeTheOtherSessionsAreRefusedAndTheirHubConnectionsClosedButTheCallersGoesOn()
    {
        var user = await Identity.CreateUserAsync();
        var phone = await LogInAsync(user.Username);
        var laptop = await LogInAsync(user.Username);
        await using var phoneHub = Messaging.CreateHubConnection(phone.AccessToken);
        await using var laptopHub = Messaging.CreateHubConnection(laptop.AccessToken);
        var phoneClosed = ClosedAsync(phoneHub);
        await phoneHub.StartAndSyncAsync();
        await laptopHub.StartAndSyncAsync();

        using (var identity = Identity.CreateClient())
        using (var change = new HttpRequestMessage(HttpMethod.Put, "/api/identity/users/me/password")
        {
            Content = JsonContent.Create(new { currentPassword = IdentityFactory.Password, newPassword = "another long passphrase" }),
        })
        {
            change.Headers.Authorization = new AuthenticationHeaderValue("Bearer", laptop.AccessToken);
            Assert.Equal(HttpStatusCode.NoContent, (await identity.SendAsync(change)).StatusCode);
        }

        await WaitUntilRefusedAsync(phone.AccessToken);
        await phoneClosed.WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, await ListConversationsAsync(laptop.AccessToken));
        Assert.Equal(HubConnectionState.Connected, laptopHub.State);
        await laptopHub.InvokeAsync<JsonElement>("Sync", Array.Empty<object>());
    }

    [Fact]
    public async Task AHubConnectionOpenedWithARevokedSessionsTokenIsRefused()
    {
        var user = await Identity.CreateUserAsync();
        var session = await LogInAsync(user.Username);
        await LogOutAsync(session.RefreshToken);
        await WaitUntilRefusedAsync(session.AccessToken);

        await using var hub = Messaging.CreateHubConnection(session.AccessToken);

        await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAndSyncAsync());
    }

    private static Task ClosedAsync(HubConnection hub)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }

    private async Task WaitUntilRefusedAsync(string accessToken)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (await ListConversationsAsync(accessToken) != HttpStatusCode.Unauthorized)
        {
            await Task.Delay(20, patience.Token);
        }
    }

    private async Task<HttpStatusCode> ListConversationsAsync(string accessToken)
    {
        using var client = Messaging.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await client.GetAsync("/api/conversations");
        return response.StatusCode;
    }

    /// <summary>A login of its own (a session), keeping the refresh cookie by hand: it is Secure, and the test server is http.</summary>
    private async Task<(string AccessToken, string RefreshToken)> LogInAsync(string username)
    {
        using var client = Identity.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        using var response = await client.PostAsJsonAsync("/api/identity/tokens", new { username, password = IdentityFactory.Password });
        response.EnsureSuccessStatusCode();
        var cookie = SetCookieHeaderValue.ParseList(response.Headers.GetValues("Set-Cookie").ToList()).Single(c => c.Name == "chat_refresh");
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!, cookie.Value.ToString());
    }

    private async Task LogOutAsync(string refreshToken)
    {
        using var client = Identity.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/identity/tokens");
        request.Headers.Add("Cookie", $"chat_refresh={refreshToken}");
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(request)).StatusCode);
    }
}
