using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Net.Http.Headers;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Identity.Tests;

public sealed class TokensApiTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly IdentityFactory _identity;
    private readonly HttpClient _client;

    public TokensApiTests()
    {
        _identity = new IdentityFactory(new ServiceRouter()) { TestServices = services => services.AddSingleton<TimeProvider>(_time) };
        _client = _identity.CreateBrowserlessClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _identity.Dispose();
    }

    [Fact]
    public async Task LoginSetsTheRefreshCookieHttpOnlySecureStrictAndScopedToTheTokenEndpoints()
    {
        var username = await SignUpAsync();

        using var login = await _client.LogInAsync(username);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookie = login.RefreshCookie();
        Assert.NotNull(cookie);
        Assert.True(cookie.HttpOnly);
        Assert.True(cookie.Secure);
        Assert.Equal(SameSiteMode.Strict, cookie.SameSite);
        Assert.Equal("/api/identity/tokens", cookie.Path.ToString());
        Assert.Equal(_time.GetUtcNow().AddDays(30), cookie.Expires);
        Assert.Equal(43, cookie.Value.Length); // 256 bits, base64url without padding
    }

    [Fact]
    public async Task EveryRefreshCookieComesWithAScriptReadableSessionHintOfTheSameLifetimeThatLeavesWithIt()
    {
        var username = await SignUpAsync();

        using var login = await _client.LogInAsync(username);
        _time.Advance(TimeSpan.FromMinutes(20));
        using var refreshed = await _client.RefreshAsync(login.RefreshToken());
        using var logout = await _client.LogOutAsync(refreshed.RefreshToken());
        using var refused = await _client.RefreshAsync("garbage");

        foreach (var response in new[] { login, refreshed })
        {
            var hint = response.SessionHintCookie();
            Assert.NotNull(hint);
            Assert.Equal("1", hint.Value.ToString());
            Assert.False(hint.HttpOnly);
            Assert.True(hint.Secure);
            Assert.Equal(SameSiteMode.Strict, hint.SameSite);
            Assert.Equal("/", hint.Path.ToString());
            Assert.Equal(response.RefreshCookie()!.Expires, hint.Expires);
        }
        foreach (var response in new[] { logout, refused })
        {
            var hint = response.SessionHintCookie();
            Assert.NotNull(hint);
            Assert.Equal(string.Empty, hint.Value.ToString());
            Assert.Equal("/", hint.Path.ToString());
            Assert.True(hint.Expires < _time.GetUtcNow());
        }
    }

    [Fact]
    public async Task LoginAnswersTheAccessTokenAndItsLifetimeInSeconds()
    {
        var username = await SignUpAsync();

        using var login = await _client.LogInAsync(username);

        var body = await login.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(15 * 60, body.GetProperty("expiresIn").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await _client.GetMeAsync(body.GetProperty("accessToken").GetString()!)).StatusCode);
    }

    [Fact]
    public async Task AnAccessTokenIsRejectedAsExpiredOnceItsLifetimeHasPassed()
    {
        var username = await SignUpAsync();
        using var login = await _client.LogInAsync(username);
        var accessToken = await login.AccessTokenAsync();

        _time.Advance(TimeSpan.FromMinutes(14));
        using var stillValid = await _client.GetMeAsync(accessToken);
        _time.Advance(TimeSpan.FromMinutes(2));
        using var expired = await _client.GetMeAsync(accessToken);

        Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
        await AssertProblemAsync(expired, HttpStatusCode.Unauthorized, "token-expired");
        Assert.Contains("invalid_token", expired.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task AGarbledAccessTokenIsRejectedAsInvalidAndNoTokenAsMissing()
    {
        using var garbled = await _client.GetMeAsync("not.a.token");
        using var missing = await _client.GetAsync("/api/identity/users/me");

        await AssertProblemAsync(garbled, HttpStatusCode.Unauthorized, "invalid-token");
        await AssertProblemAsync(missing, HttpStatusCode.Unauthorized, "authentication-required");
    }

    [Fact]
    public async Task RefreshRotatesTheCookieAndAnswersAFreshAccessTokenForTheSameUser()
    {
        var username = await SignUpAsync();
        using var login = await _client.LogInAsync(username);
        var first = login.RefreshToken();
        _time.Advance(TimeSpan.FromMinutes(20));

        using var refreshed = await _client.RefreshAsync(first);

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var second = refreshed.RefreshToken();
        Assert.NotEqual(first, second);
        var cookie = refreshed.RefreshCookie()!;
        Assert.True(cookie.HttpOnly && cookie.Secure && cookie.SameSite == SameSiteMode.Strict);
        Assert.Equal(_time.GetUtcNow().AddDays(30), cookie.Expires);
        using var me = await _client.GetMeAsync(await refreshed.AccessTokenAsync());
        Assert.Equal(username, (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("username").GetString());
        using var next = await _client.RefreshAsync(second);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task ReusingARotatedRefreshTokenRevokesTheWholeFamily()
    {
        var username = await SignUpAsync();
        using var login = await _client.LogInAsync(username);
        var stolen = login.RefreshToken();
        using var legitimate = await _client.RefreshAsync(stolen);
        var current = legitimate.RefreshToken();
        _time.Advance(TimeSpan.FromSeconds(31));

        using var reuse = await _client.RefreshAsync(stolen);
        using var afterReuse = await _client.RefreshAsync(current);

        await AssertProblemAsync(reuse, HttpStatusCode.Unauthorized, "refresh-token-reused");
        Assert.True(reuse.RefreshCookie()!.Expires < _time.GetUtcNow(), "The reused cookie is cleared.");
        await AssertProblemAsync(afterReuse, HttpStatusCode.Unauthorized, "invalid-refresh-token");
    }

    [Fact]
    public async Task ARefreshTokenPresentedAgainWithinTheGraceGetsTheSameSuccessorAsALostAnswer()
    {
        var username = await SignUpAsync();
        using var login = await _client.LogInAsync(username);
        var original = login.RefreshToken();
        using var lost = await _client.RefreshAsync(original);
        _time.Advance(TimeSpan.FromSeconds(20));

        using var retried = await _client.RefreshAsync(original);
        using var next = await _client.RefreshAsync(retried.RefreshToken());

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(lost.RefreshToken(), retried.RefreshToken());
        Assert.Equal(lost.RefreshCookie()!.Expires, retried.RefreshCookie()!.Expires);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetMeAsync(await retried.AccessTokenAsync())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task ARefreshTokenPresentedAgainAfterTheGraceRevokesTheFamily()
    {
        var username = await SignUpAsync();
        using var login = await _client.LogInAsync(username);
        var original = login.RefreshToken();
        using var rotated = await _client.RefreshAsync(original);
        _time.Advance(TimeSpan.FromSeconds(31));

        using var reuse = await _client.RefreshAsync(original);
        using var successor = await _client.RefreshAsync(rotated.RefreshToken());

        await AssertProblemAsync(reuse, HttpStatusCode.Unauthorized, "refresh-token-reused");
        await AssertProblemAsync(successor, HttpStatusCode.Unauthorized, "invalid-refresh-token");
    }

    [Fact]
    public async Task ReuseDetectionEndsOnlyTheFamilyOfTheReusedToken()
    {
        var username = await SignUpAsync();
        using var phone = await _client.LogInAsync(username);
        using var laptop = await _client.LogInAsync(username);
        var stolen = phone.RefreshToken();
        using var rotated = await _client.RefreshAsync(stolen);
        _time.Advance(TimeSpan.FromSeconds(31));

        using var reuse = await _client.RefreshAsync(stolen);
        using var laptopRefresh = await _client.RefreshAsync(laptop.RefreshToken());

        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, laptopRefresh.StatusCode);
    }

    [Fact]
    public async Task LogoutRevokesTheSessionAndClearsTheCookie()
    {
        var username = await SignUpAsync();
        using var login = await _client.LogInAsync(username);
        using var rotated = await _client.RefreshAsync(login.RefreshToken());
        var current = rotated.RefreshToken();

        using var logout = await _client.LogOutAsync(current);
        using var refreshAfterLogout = await _client.RefreshAsync(current);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        var cleared = logout.RefreshCookie()!;
        Assert.Equal(string.Empty, cleared.Value.ToString());
        Assert.Equal("/api/identity/tokens", cleared.Path.ToString());
        Assert.True(cleared.Expires < _time.GetUtcNow());
        await AssertProblemAsync(refreshAfterLogout, HttpStatusCode.Unauthorized, "invalid-refresh-token");
    }

    [Fact]
    public async Task LogoutWithoutACookieStillSucceeds()
    {
        using var logout = await _client.LogOutAsync(null);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("garbage")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task RefreshWithoutAKnownTokenIsUnauthorized(string? refreshToken)
    {
        using var response = await _client.RefreshAsync(refreshToken);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid-refresh-token");
    }

    [Fact]
    public async Task ARefreshTokenUnusedForItsLifetimeExpires()
    {
        var username = await SignUpAsync();
        using var login = await _client.LogInAsync(username);

        _time.Advance(TimeSpan.FromDays(30));
        using var response = await _client.RefreshAsync(login.RefreshToken());

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid-refresh-token");
    }

    [Fact]
    public async Task AccessTokensNameTheirSessionSoRefreshKeepsIt()
    {
        var username = await SignUpAsync();
        using var login = await _client.LogInAsync(username);
        using var refreshed = await _client.RefreshAsync(login.RefreshToken());

        var loginSession = new JsonWebToken(await login.AccessTokenAsync()).GetClaim("sid").Value;
        var refreshedSession = new JsonWebToken(await refreshed.AccessTokenAsync()).GetClaim("sid").Value;

        Assert.False(string.IsNullOrEmpty(loginSession));
        Assert.Equal(loginSession, refreshedSession);
    }

    private async Task<string> SignUpAsync()
    {
        var username = "u" + Guid.NewGuid().ToString("N")[..10];
        using var response = await _client.SignUpAsync(username);
        response.EnsureSuccessStatusCode();
        return username;
    }
}
