using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Chat.Testing;

namespace Chat.Identity.Tests;

/// <summary>Identity's OpenAPI document lists what the README promises and describes every answer the endpoints give.</summary>
public sealed class PublishedContractTests : PublishedDocumentTests, IDisposable
{
    private readonly IdentityFactory _identity = new(new ServiceRouter());

    public void Dispose() => _identity.Dispose();

    protected override string ReadmePrefix => "/api/identity/";

    protected override HttpClient CreateServiceClient() => _identity.CreateClient();

    [Fact]
    public async Task EveryAnswerOfEveryEndpointIsDescribedByTheDocument()
    {
        var contract = await ReadContractAsync();
        var checker = new ContractCheckingHandler(contract);
        using var client = _identity.CreateDefaultClient(checker);
        var username = $"contract-{Guid.NewGuid():N}"[..20];
        var other = await _identity.CreateUserAsync();

        using var created = await client.PostAsJsonAsync("/api/identity/users", new { username, password = IdentityFactory.Password, displayName = "Ada" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var myId = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
        (await client.PostAsJsonAsync("/api/identity/users", new { username, password = IdentityFactory.Password })).Dispose();
        (await client.PostAsJsonAsync("/api/identity/users", new { username = "x", password = "short" })).Dispose();
        (await client.PostAsJsonAsync("/api/identity/tokens", new { username, password = "wrong password here" })).Dispose();
        using var login = await client.PostAsJsonAsync("/api/identity/tokens", new { username, password = IdentityFactory.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var refreshToken = login.RefreshToken();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await login.AccessTokenAsync());

        (await client.GetAsync("/api/identity/users/me")).Dispose();
        (await client.GetAsync($"/api/identity/users/{other.Id}")).Dispose();
        (await client.GetAsync($"/api/identity/users/{other.Id + 1000}")).Dispose();
        (await client.GetAsync($"/api/identity/users?search={other.Username[..5]}")).Dispose();
        (await client.GetAsync("/api/identity/users?search=")).Dispose();
        (await client.PatchAsJsonAsync("/api/identity/users/me", new { displayName = "Ada L.", groupAdds = "contacts" })).Dispose();
        (await client.PatchAsJsonAsync("/api/identity/users/me", new { groupAdds = "strangers" })).Dispose();
        (await client.PutAsJsonAsync("/api/identity/users/me/password", new { currentPassword = "not it at all", newPassword = "another long passphrase" })).Dispose();
        (await client.PutAsJsonAsync("/api/identity/users/me/password", new { currentPassword = IdentityFactory.Password, newPassword = "another long passphrase" })).Dispose();
        (await client.GetAsync("/api/identity/users/me/blocks")).Dispose();
        // No Messaging runs here, so a block cannot be enforced: 503; blocking yourself: 400; an unknown user: 404.
        (await client.PutAsync($"/api/identity/users/me/blocks/{other.Id}", null)).Dispose();
        (await client.DeleteAsync($"/api/identity/users/me/blocks/{other.Id}")).Dispose();
        (await client.PutAsync($"/api/identity/users/me/blocks/{other.Id + 1000}", null)).Dispose();
        (await client.PutAsync($"/api/identity/users/me/blocks/{myId}", null)).Dispose();

        using var refreshed = await SendWithCookieAsync(client, HttpMethod.Post, "/api/identity/tokens/refresh", refreshToken);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        (await SendWithCookieAsync(client, HttpMethod.Post, "/api/identity/tokens/refresh", "not-a-token")).Dispose();
        (await SendWithCookieAsync(client, HttpMethod.Delete, "/api/identity/tokens", refreshed.RefreshToken())).Dispose();
        client.DefaultRequestHeaders.Authorization = null;
        (await client.GetAsync("/api/identity/users/me")).Dispose();

        PublicContractAssert.DescribedEveryAnswer(contract, checker);
    }


    private static async Task<HttpResponseMessage> SendWithCookieAsync(HttpClient client, HttpMethod method, string path, string refreshToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", $"{IdentityHttp.CookieName}={refreshToken}");
        return await client.SendAsync(request);
    }
}
