using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Chat.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Identity.Tests;

/// <summary>Sign-up and login attempts per client address and per username, and failed logins; windows are long and the backoff runs on a fake clock, so nothing here depends on timing.</summary>
public sealed class RateLimitTests
{
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
    public async Task FailedLoginsForOneUsernameFromOneAddressBeyondTheirAllowanceGet429WhileOtherUsernamesStillWork()
    {
        using var identity = CreateIdentity(perIp: 100, perUsername: 100, failuresPerAddress: 2);
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
    public async Task FailuresFromOneAddressDoNotStopTheRightPasswordFromAnother()
    {
        using var identity = CreateIdentity(perIp: 100, perUsername: 100, failuresPerAddress: 2, failuresPerUsername: 100);
        using var client = identity.CreateBrowserlessClient();
        (await client.SignUpAsync("owner")).EnsureSuccessStatusCode();

        for (var i = 0; i < 5; i++)
        {
            using var guess = await LogInFromAsync(client, Attacker, "owner", $"guess {i}");
        }
        using var attackerWithThePassword = await LogInFromAsync(client, Attacker, "owner", IdentityFactory.Password);
        using var owner = await LogInFromAsync(client, Owner, "owner", IdentityFactory.Password);

        await AssertRateLimitedAsync(attackerWithThePassword);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
    }

    [Fact]
    public async Task CorrectLoginsNeverCountAgainstTheAllowance()
    {
        using var identity = CreateIdentity(perIp: 100, perUsername: 100, failuresPerAddress: 2, failuresPerUsername: 2);
        using var client = identity.CreateBrowserlessClient();
        (await client.SignUpAsync("frequent")).EnsureSuccessStatusCode();

        for (var i = 0; i < 5; i++)
        {
            using var login = await LogInFromAsync(client, Owner, "frequent", IdentityFactory.Password);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        using var typo = await LogInFromAsync(client, Owner, "frequent", "a typo");

        Assert.Equal(HttpStatusCode.Unauthorized, typo.StatusCode);
    }

    [Fact]
    public async Task AddressesInOneIPv6Slash64ShareAnAllowanceAndMappedIPv4IsIPv4()
    {
        using var identity = CreateIdentity(perIp: 100, perUsername: 100, failuresPerAddress: 2, failuresPerUsername: 100);
        using var client = identity.CreateBrowserlessClient();
        (await client.SignUpAsync("v6-user")).EnsureSuccessStatusCode();

        using var first = await LogInFromAsync(client, "2001:db8:1:2::1", "v6-user", "guess one");
        using var second = await LogInFromAsync(client, "2001:db8:1:2:ffff:ffff:ffff:ffff", "v6-user", "guess two");
        using var samePrefix = await LogInFromAsync(client, "2001:db8:1:2:abcd::5", "v6-user", IdentityFactory.Password);
        using var nextPrefix = await LogInFromAsync(client, "2001:db8:1:3::1", "v6-user", IdentityFactory.Password);
        using var v4 = await LogInFromAsync(client, "203.0.113.9", "v6-user", "guess three");
        using var v4Again = await LogInFromAsync(client, "203.0.113.9", "v6-user", "guess four");
        using var v4Mapped = await LogInFromAsync(client, "::ffff:203.0.113.9", "v6-user", IdentityFactory.Password);
        using var v4Neighbour = await LogInFromAsync(client, "203.0.113.10", "v6-user", IdentityFactory.Password);

        await AssertRateLimitedAsync(samePrefix);
        Assert.Equal(HttpStatusCode.OK, nextPrefix.StatusCode);
        await AssertRateLimitedAsync(v4Mapped);
        Assert.Equal(HttpStatusCode.OK, v4Neighbour.StatusCode);
    }

    [Fact]
    public async Task FailuresFromEverywherePastTheUsernameCeilingLockItForABackoffThatDoubles()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var identity = CreateIdentity(perIp: 100, perUsername: 100, failuresPerAddress: 100, failuresPerUsername: 3, clock: clock);
        using var client = identity.CreateBrowserlessClient();
        (await client.SignUpAsync("popular")).EnsureSuccessStatusCode();

        for (var i = 0; i < 3; i++)
        {
            using var guess = await LogInFromAsync(client, $"198.51.100.{i + 1}", "popular", $"guess {i}");
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }
        using var locked = await LogInFromAsync(client, "198.51.100.50", "popular", IdentityFactory.Password);
        clock.Advance(TimeSpan.FromSeconds(10));
        using var probe = await LogInFromAsync(client, "198.51.100.51", "popular", "guess after the wait");
        using var lockedLonger = await LogInFromAsync(client, "198.51.100.52", "popular", "guess too soon");
        clock.Advance(TimeSpan.FromSeconds(20));
        using var secondProbe = await LogInFromAsync(client, "198.51.100.53", "popular", "another guess");
        using var lockedLongerStill = await LogInFromAsync(client, "198.51.100.54", "popular", "guess too soon");

        Assert.Equal(10, await AssertRateLimitedAsync(locked));
        Assert.Equal(HttpStatusCode.Unauthorized, probe.StatusCode);
        Assert.Equal(20, await AssertRateLimitedAsync(lockedLonger));
        Assert.Equal(HttpStatusCode.Unauthorized, secondProbe.StatusCode);
        Assert.Equal(40, await AssertRateLimitedAsync(lockedLongerStill));
    }

    [Fact]
    public async Task AnAddressTheOwnerLoggedInFromIsNotLockedByTheUsernameCeiling()
    {
        using var identity = CreateIdentity(perIp: 100, perUsername: 100, failuresPerAddress: 100, failuresPerUsername: 3);
        using var client = identity.CreateBrowserlessClient();
        (await client.SignUpAsync("besieged")).EnsureSuccessStatusCode();
        (await LogInFromAsync(client, Owner, "besieged", IdentityFactory.Password)).Dispose();

        for (var i = 0; i < 3; i++)
        {
            using var guess = await LogInFromAsync(client, $"198.51.100.{i + 1}", "besieged", $"guess {i}");
        }
        using var stranger = await LogInFromAsync(client, "198.51.100.99", "besieged", IdentityFactory.Password);
        using var owner = await LogInFromAsync(client, Owner, "besieged", IdentityFactory.Password);

        await AssertRateLimitedAsync(stranger);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
    }

    [Fact]
    public async Task AForwardedAddressIsIgnoredUnlessTheConnectionComesFromTheGateway()
    {
        using var identity = CreateIdentity(perIp: 100, perUsername: 100, failuresPerAddress: 2, failuresPerUsername: 100);
        using var client = identity.CreateBrowserlessClient();
        (await client.SignUpAsync("spoofed")).EnsureSuccessStatusCode();

        for (var i = 0; i < 2; i++)
        {
            using var guess = await LogInFromAsync(client, $"198.51.100.{i + 1}", "spoofed", $"guess {i}", peer: "192.0.2.50");
        }
        using var claimsAnotherAddress = await LogInFromAsync(client, "198.51.100.77", "spoofed", IdentityFactory.Password, peer: "192.0.2.50");

        await AssertRateLimitedAsync(claimsAnotherAddress);
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

    private const string Attacker = "203.0.113.66";
    private const string Owner = "198.51.100.200";

    private static IdentityFactory CreateIdentity(
        int perIp, int perUsername, int failuresPerAddress = 1_000_000, int failuresPerUsername = 1_000_000, FakeTimeProvider? clock = null) =>
        new(new ServiceRouter(), new Dictionary<string, string?>
        {
            ["Identity:RateLimits:Window"] = "01:00:00",
            ["Identity:RateLimits:PermitsPerIp"] = perIp.ToString(CultureInfo.InvariantCulture),
            ["Identity:RateLimits:PermitsPerUsername"] = perUsername.ToString(CultureInfo.InvariantCulture),
            ["Identity:RateLimits:LoginFailureWindow"] = "01:00:00",
            ["Identity:RateLimits:LoginFailuresPerAddress"] = failuresPerAddress.ToString(CultureInfo.InvariantCulture),
            ["Identity:RateLimits:LoginFailuresPerUsername"] = failuresPerUsername.ToString(CultureInfo.InvariantCulture),
            ["Identity:RateLimits:LoginBackoff"] = "00:00:10",
            ["Identity:RateLimits:MaxLoginBackoff"] = "01:00:00",
        })
        {
            TestServices = services =>
            {
                services.AddSingleton<IStartupFilter>(new PeerAddressFilter());
                if (clock is not null)
                {
                    services.AddSingleton<TimeProvider>(clock);
                }
            },
        };

    /// <summary>A login as the gateway forwards it: from a loopback peer, with the client's address in X-Forwarded-For.</summary>
    private static async Task<HttpResponseMessage> LogInFromAsync(
        HttpClient client, string clientAddress, string username, string password, string peer = "127.0.0.1")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/identity/tokens")
        {
            Content = JsonContent.Create(new { username, password }),
        };
        request.Headers.Add("X-Forwarded-For", clientAddress);
        request.Headers.Add(PeerAddressFilter.Header, peer);
        return await client.SendAsync(request);
    }

    /// <returns>The Retry-After seconds.</returns>
    private static async Task<int> AssertRateLimitedAsync(HttpResponseMessage response)
    {
        await AssertProblemAsync(response, HttpStatusCode.TooManyRequests, "rate-limited");
        var retryAfter = Assert.Single(response.Headers.GetValues("Retry-After"));
        Assert.True(int.TryParse(retryAfter, out var seconds) && seconds is > 0 and <= 3600, $"Retry-After was '{retryAfter}'.");
        return seconds;
    }

    /// <summary>The test server has no socket: this stands in for the TCP peer, ahead of the forwarded-headers middleware.</summary>
    private sealed class PeerAddressFilter : IStartupFilter
    {
        public const string Header = "X-Test-Peer-Address";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var peer))
                {
                    context.Connection.RemoteIpAddress = peer;
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
