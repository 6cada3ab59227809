using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Identity.Tokens;
using Chat.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Chat.Identity.Tests;

public sealed class SigningKeyRotationTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly IdentityFactory _identity;

    public SigningKeyRotationTests() =>
        _identity = new IdentityFactory(new ServiceRouter(), new Dictionary<string, string?> { ["Identity:SigningKeyLifetime"] = "30.00:00:00" })
        {
            TestServices = services => services.AddSingleton<TimeProvider>(_time),
        };

    public void Dispose() => _identity.Dispose();

    [Fact]
    public void TheKeyRingRotatesOnlyOnceTheKeyHasReachedItsLifetime()
    {
        var directory = Directory.CreateTempSubdirectory("chat-keys-").FullName;
        var ring = SigningKeyRing.LoadOrCreate(directory, _time);
        var first = ring.Current.KeyId;

        _time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        var early = ring.RotateIfOlderThan(TimeSpan.FromDays(30));
        _time.Advance(TimeSpan.FromSeconds(1));
        var due = ring.RotateIfOlderThan(TimeSpan.FromDays(30));
        var again = ring.RotateIfOlderThan(TimeSpan.FromDays(30));

        Assert.False(early);
        Assert.True(due);
        Assert.False(again);
        Assert.NotEqual(first, ring.Current.KeyId);
        Assert.Equal([ring.Current.KeyId, first], ring.ValidationKeys.Select(k => k.KeyId));
        Assert.Equal(_time.GetUtcNow(), ring.CurrentCreatedAt);
    }

    [Fact]
    public void AReloadedRingKeepsTheNewestTwoKeysNewestFirst()
    {
        var directory = Directory.CreateTempSubdirectory("chat-keys-").FullName;
        var ring = SigningKeyRing.LoadOrCreate(directory, _time);
        _time.Advance(TimeSpan.FromDays(1));
        ring.Rotate();
        _time.Advance(TimeSpan.FromDays(1));
        ring.Rotate();

        var reloaded = SigningKeyRing.LoadOrCreate(directory, _time);

        Assert.Equal(ring.ValidationKeys.Select(k => k.KeyId), reloaded.ValidationKeys.Select(k => k.KeyId));
        Assert.Equal(2, reloaded.ValidationKeys.Count);
    }

    [Fact]
    public async Task TheBackgroundCheckRotatesAnAgedKeyAndTokensOfThePreviousKeyStillWork()
    {
        var ring = _identity.Services.GetRequiredService<SigningKeyRing>();
        var firstKey = ring.Current.KeyId;
        var user = await _identity.CreateUserAsync();
        _time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(5));
        using var client = _identity.CreateBrowserlessClient();
        using var beforeRotation = await client.LogInAsync(user.Username);
        var oldToken = await beforeRotation.AccessTokenAsync();

        _time.Advance(TimeSpan.FromMinutes(6));
        // The check runs on the host's timer, off this thread: wait (bounded) for its effect, not for a time.
        Assert.True(SpinWait.SpinUntil(() => ring.Current.KeyId != firstKey, TimeSpan.FromSeconds(30)), "The aged key was not rotated.");

        using var withOldToken = await client.GetMeAsync(oldToken);
        using var afterRotation = await client.LogInAsync(user.Username);
        var newToken = await afterRotation.AccessTokenAsync();
        using var withNewToken = await client.GetMeAsync(newToken);
        var jwks = await client.GetFromJsonAsync<JsonElement>("/.well-known/jwks.json");

        Assert.Equal(firstKey, new JsonWebToken(oldToken).Kid);
        Assert.Equal(ring.Current.KeyId, new JsonWebToken(newToken).Kid);
        Assert.Equal(HttpStatusCode.OK, withOldToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withNewToken.StatusCode);
        Assert.Equal([ring.Current.KeyId, firstKey], jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()));
    }

    [Fact]
    public async Task AKeyYoungerThanItsLifetimeIsKept()
    {
        var ring = _identity.Services.GetRequiredService<SigningKeyRing>();
        var firstKey = ring.Current.KeyId;
        using var client = _identity.CreateBrowserlessClient();

        _time.Advance(TimeSpan.FromDays(29));
        var jwks = await client.GetFromJsonAsync<JsonElement>("/.well-known/jwks.json");

        Assert.Equal(firstKey, ring.Current.KeyId);
        Assert.Equal([firstKey], jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()));
    }
}
