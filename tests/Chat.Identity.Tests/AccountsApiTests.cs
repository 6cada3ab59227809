using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Identity.Tests;

public sealed class AccountsApiTests : IDisposable
{
    private readonly IdentityFactory _identity = new(new ServiceRouter());

    public void Dispose() => _identity.Dispose();

    [Fact]
    public async Task SigningUpReturnsTheNewUserWithoutAnyPasswordMaterial()
    {
        using var client = _identity.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/identity/users",
            new { username = "ada.lovelace", password = "analytical engine", displayName = "Ada" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        Assert.Equal("ada.lovelace", json.RootElement.GetProperty("username").GetString());
        Assert.Equal("Ada", json.RootElement.GetProperty("displayName").GetString());
        Assert.True(json.RootElement.GetProperty("id").GetInt64() > 0);
        Assert.DoesNotContain("password", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AUsernameIsTakenRegardlessOfCase()
    {
        using var client = _identity.CreateClient();
        using var first = await client.PostAsJsonAsync("/api/identity/users", new { username = "grace", password = "compiler pioneer" });
        first.EnsureSuccessStatusCode();

        using var second = await client.PostAsJsonAsync("/api/identity/users", new { username = "GRACE", password = "another password" });

        await AssertProblemAsync(second, HttpStatusCode.Conflict, "username-taken");
    }

    [Fact]
    public async Task AUsernameSpelledWithTheKelvinSignIsTheSameNameAndLogsInEitherWay()
    {
        using var client = _identity.CreateClient();
        using var first = await client.PostAsJsonAsync("/api/identity/users", new { username = "kim", password = "compiler pioneer" });
        first.EnsureSuccessStatusCode();

        using var second = await client.PostAsJsonAsync("/api/identity/users", new { username = "\u212Aim", password = "another password" });
        using var plain = await client.PostAsJsonAsync("/api/identity/tokens", new { username = "kim", password = "compiler pioneer" });
        using var kelvin = await client.PostAsJsonAsync("/api/identity/tokens", new { username = "\u212Aim", password = "compiler pioneer" });

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, kelvin.StatusCode);
    }

    [Theory]
    [InlineData("ab", "long enough password", "invalid-request")]
    [InlineData("has space", "long enough password", "invalid-request")]
    [InlineData("<script>", "long enough password", "invalid-request")]
    [InlineData("ab", "short", "invalid-request")]
    [InlineData("valid_name", "short", "weak-password")]
    [InlineData("valid_name", "password123", "weak-password")]
    [InlineData("valid_name", "my valid_name secret", "weak-password")]
    public async Task InvalidUsernamesAndWeakPasswordsAreRejectedWithAValidationProblem(string username, string password, string problem)
    {
        using var client = _identity.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/identity/users", new { username, password });

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, problem);
    }

    [Fact]
    public async Task LoggingInWithTheRightPasswordGivesAnAccessTokenThatOpensMe()
    {
        var user = await _identity.CreateUserAsync();
        using var client = _identity.ClientFor(user);

        var me = await client.GetFromJsonAsync<UserResponse>("/api/identity/users/me");

        Assert.Equal(user.Id, me!.Id);
        Assert.Equal(user.Username, me.Username);
    }

    [Fact]
    public async Task AWrongPasswordAndAnUnknownUserGetTheSameAnswer()
    {
        var user = await _identity.CreateUserAsync();
        using var client = _identity.CreateClient();

        using var wrongPassword = await client.PostAsJsonAsync("/api/identity/tokens", new { username = user.Username, password = "not the password" });
        using var unknownUser = await client.PostAsJsonAsync("/api/identity/tokens", new { username = "nobody-here", password = "not the password" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownUser.StatusCode);
        Assert.Equal((await wrongPassword.Content.ReadFromJsonAsync<ProblemResponse>())!.Type, (await unknownUser.Content.ReadFromJsonAsync<ProblemResponse>())!.Type);
    }

    [Fact]
    public async Task MeWithoutATokenIsUnauthorized()
    {
        using var client = _identity.CreateClient();

        using var response = await client.GetAsync("/api/identity/users/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task MeWithATamperedTokenIsUnauthorized()
    {
        var user = await _identity.CreateUserAsync();
        using var client = _identity.CreateClient();
        var parts = user.AccessToken.Split('.');
        var forgedPayload = Convert.ToBase64String("{\"sub\":\"1\",\"iss\":\"chat-identity\",\"aud\":\"chat\",\"exp\":4102444800}"u8.ToArray())
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"{parts[0]}.{forgedPayload}.{parts[2]}");

        using var response = await client.GetAsync("/api/identity/users/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SearchFindsUsersByUsernamePrefixWhateverTheCase()
    {
        var searcher = await _identity.CreateUserAsync();
        var prefix = "zed" + Guid.NewGuid().ToString("N")[..5];
        using var client = _identity.CreateClient();
        foreach (var name in new[] { prefix + "_one", prefix + "_two", "other_" + prefix })
        {
            (await client.PostAsJsonAsync("/api/identity/users", new { username = name, password = "long enough password" })).EnsureSuccessStatusCode();
        }
        client.DefaultRequestHeaders.Authorization = searcher.Authorization;

        var found = await client.GetFromJsonAsync<JsonElement[]>($"/api/identity/users?search={prefix.ToUpperInvariant()}");

        Assert.Equal(new[] { prefix + "_one", prefix + "_two" }, found!.Select(u => u.GetProperty("username").GetString()!).Order());
    }

    [Fact]
    public async Task TheKeySetPublishesOnlyPublicEcKeys()
    {
        using var client = _identity.CreateClient();

        var jwks = await client.GetFromJsonAsync<JsonElement>("/.well-known/jwks.json");

        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray());
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.False(key.TryGetProperty("d", out _), "The private part must never be published.");
    }
}
