using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Identity.Tests;

/// <summary>A display name others see cannot carry characters that reorder or hide its text.</summary>
public sealed class DisplayNameTextTests : IDisposable
{
    private readonly IdentityFactory _identity = new(new ServiceRouter());
    private readonly HttpClient _client;

    public DisplayNameTextTests() => _client = _identity.CreateBrowserlessClient();

    public void Dispose()
    {
        _client.Dispose();
        _identity.Dispose();
    }

    public static TheoryData<string> Refused() =>
    [
        "\u202E", "\u202A", "\u2066", "\u2069", // bidi overrides and isolates
        "\u200B", "\u200D", "\u200F", "\u2060", "\uFEFF", // zero-width and marks
        "🎉\u200D", "\u200D🎉", "a\u200D🎉", // a joiner that does not join two emoji
        "\u0007", "\u001B", "\u0085", // other controls
    ];

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task SigningUpWithAnInvisibleOrControlCharacterInTheDisplayNameIsRejectedNamingTheField(string character)
    {
        using var response = await _client.PostAsJsonAsync("/api/identity/users",
            new { username = $"u{Guid.NewGuid():N}"[..20], password = IdentityFactory.Password, displayName = $"Ada{character}Lovelace" });

        await AssertDisplayNameRefusedAsync(response);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task RenamingToADisplayNameWithAnInvisibleOrControlCharacterIsRejectedNamingTheField(string character)
    {
        var user = await _identity.CreateUserAsync();
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/identity/users/me")
        {
            Content = JsonContent.Create(new { displayName = $"admin{character}" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);

        using var response = await _client.SendAsync(request);

        await AssertDisplayNameRefusedAsync(response);
    }

    [Fact]
    public async Task ADisplayNameInAnotherScriptWithEmojiAndEmojiSequencesIsAccepted()
    {
        var user = await _identity.CreateUserAsync();
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/identity/users/me")
        {
            // The emoji are sequences joined by U+200D (woman technologist, family, heart on fire): one picture each.
            Content = JsonContent.Create(new { displayName = "אדה 🎉 Λ 👩\u200D💻 👨\u200D👩\u200D👧 ❤\uFE0F\u200D🔥" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task AssertDisplayNameRefusedAsync(HttpResponseMessage response)
    {
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request");
        Assert.True(problem.Errors?.ContainsKey("displayName"));
    }
}
