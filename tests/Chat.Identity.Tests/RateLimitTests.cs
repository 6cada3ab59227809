using System.Net;
using Chat.Testing;

namespace Chat.Identity.Tests;

/// <summary>Sign-up and login attempts per client address and per username; the window is long so nothing here depends on timing.</summary>
public sealed class RateLimitTests
{
    private const string RateLimited = "https://chat.example/problems/rate-limited";

    [Fact]
    public async Task LoginsBeyondThePerAddressLimitGet429WithRetryAfter()
    {
        using var identity = CreateIdentity(perIp: 3, perUsername: 100);
        using var client = identity.CreateBrowserlessClient();

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await client.LogInAsync($"someone{i}", "not the password");
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }
        using var limited = await client.LogInAsync("someone-else", "not the password");

        await AssertRateLimitedAsync(limited);
    }

    [Fact]
    public async Task LoginsNamingOneUsernameBeyondItsLimitGet429WhileOtherUsernamesStillWork()
    {
        using var identity = CreateIdentity(perIp: 100, perUsername: 2);
        using var client = identity.CreateBrowserlessClient();
        (await client.SignUpAsync("target-user")).EnsureSuccessStatusCode();

        using var first = await client.LogInAsync("TARGET-USER", "guess number one");
        using var second = await client.LogInAsync("target-user", "guess number two");
        using var third = await client.LogInAsync("target-user");
        using var otherUser = await client.LogInAsync("somebody-else", "guess number one");

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        await AssertRateLimitedAsync(third);
        Assert.Equal(HttpStatusCode.Unauthorized, otherUser.StatusCode);
    }

    [Fact]
    public async Task SignUpsBeyondThePerAddressLimitGet429WithRetryAfter()
    {
        using var identity = CreateIdentity(perIp: 2, perUsername: 100);
        using var client = identity.CreateBrowserlessClient();

        using var first = await client.SignUpAsync("first-user");
        using var second = await client.SignUpAsync("second-user");
        using var third = await client.SignUpAsync("third-user");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        await AssertRateLimitedAsync(third);
    }

    [Fact]
    public async Task SignUpsNamingOneUsernameBeyondItsLimitGet429()
    {
        using var identity = CreateIdentity(perIp: 100, perUsername: 2);
        using var client = identity.CreateBrowserlessClient();

        using var created = await client.SignUpAsync("wanted-name");
        using var taken = await client.SignUpAsync("WANTED-NAME");
        using var limited = await client.SignUpAsync("wanted-name");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        await AssertRateLimitedAsync(limited);
    }

    [Fact]
    public async Task SignUpAndLoginHaveSeparateAllowances()
    {
        using var identity = CreateIdentity(perIp: 1, perUsername: 100);
        using var client = identity.CreateBrowserlessClient();

        using var signUp = await client.SignUpAsync("separate-user");
        using var login = await client.LogInAsync("separate-user");

        Assert.Equal(HttpStatusCode.Created, signUp.StatusCode);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    private static IdentityFactory CreateIdentity(int perIp, int perUsername) => new(new ServiceRouter(), new Dictionary<string, string?>
    {
        ["Identity:RateLimits:Window"] = "01:00:00",
        ["Identity:RateLimits:PermitsPerIp"] = perIp.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Identity:RateLimits:PermitsPerUsername"] = perUsername.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private static async Task AssertRateLimitedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(RateLimited, await response.ProblemTypeAsync());
        var retryAfter = Assert.Single(response.Headers.GetValues("Retry-After"));
        Assert.True(int.TryParse(retryAfter, out var seconds) && seconds is > 0 and <= 3600, $"Retry-After was '{retryAfter}'.");
    }
}
