using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Chat.Identity.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using IdentityEntry = Chat.Identity.IdentityOptions;

namespace Chat.Testing;

public sealed record TestUser(long Id, string Username, string DisplayName, string AccessToken)
{
    public AuthenticationHeaderValue Authorization => new("Bearer", AccessToken);
}

/// <summary>The real Identity service, to sign users up and mint the tokens other services validate.</summary>
/// <remarks>Sign-up and login limits are set out of reach unless <paramref name="settings"/> names them: tests create many users from one address.</remarks>
public sealed class IdentityFactory(ServiceRouter router, IDictionary<string, string?>? settings = null)
    : ChatServiceFactory<IdentityEntry>(router, WithGenerousRateLimits(settings))
{
    public const string Password = "a long enough passphrase";

    private int _userCount;

    public async Task<TestUser> CreateUserAsync(string? username = null)
    {
        username ??= $"user{Interlocked.Increment(ref _userCount)}-{Guid.NewGuid().ToString("N")[..6]}";
        using var client = CreateClient();
        using var created = await client.PostAsJsonAsync("/api/identity/users", new { username, password = Password });
        created.EnsureSuccessStatusCode();
        var user = (await created.Content.ReadFromJsonAsync<UserResponse>())!;
        return new TestUser(user.Id, user.Username, user.DisplayName, await LogInAsync(client, username));
    }

    /// <summary>A token signed with Identity's current key, for lifetimes the login endpoint never issues.</summary>
    public string CreateAccessToken(long userId, DateTimeOffset issuedAt, TimeSpan lifetime)
    {
        var keys = Services.GetRequiredService<SigningKeyRing>();
        var options = Services.GetRequiredService<IOptions<ChatTokenOptions>>().Value;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = (issuedAt + lifetime).UtcDateTime,
            Claims = new Dictionary<string, object> { ["sub"] = userId.ToString(CultureInfo.InvariantCulture) },
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private static Dictionary<string, string?> WithGenerousRateLimits(IDictionary<string, string?>? settings)
    {
        var merged = new Dictionary<string, string?>
        {
            ["Identity:RateLimits:PermitsPerIp"] = "1000000",
            ["Identity:RateLimits:PermitsPerUsername"] = "1000000",
            ["Identity:RateLimits:LoginFailuresPerAddress"] = "1000000",
            ["Identity:RateLimits:LoginFailuresPerUsername"] = "1000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }
        return merged;
    }

    private static async Task<string> LogInAsync(HttpClient client, string username)
    {
        using var response = await client.PostAsJsonAsync("/api/identity/tokens", new { username, password = Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
    }
}
