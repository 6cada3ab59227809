using System.Net;
using System.Text.Json;

namespace Chat.System.Tests;

/// <summary>The gateway publishes each service's OpenAPI document and the reference page that lists them.</summary>
[Collection(SystemCollection.Name)]
public sealed class PublishedContractTests(ChatApp app)
{
    [Theory]
    [InlineData("identity", "Chat Identity", "/api/identity/users/me")]
    [InlineData("messaging", "Chat Messaging", "/api/conversations/{conversationId}/messages")]
    [InlineData("presence", "Chat Presence", "/api/presence")]
    [InlineData("media", "Chat Media", "/api/media/{id}/info")]
    public async Task TheGatewayServesEachServicesPublicDocumentWithoutItsInternalRoutes(string name, string title, string somePath)
    {
        using var client = new HttpClient { BaseAddress = app.Gateway };

        using var response = await client.GetAsync($"/openapi/{name}.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var document = JsonDocument.Parse(body).RootElement;
        Assert.Equal(title, document.GetProperty("info").GetProperty("title").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name.TrimEnd('/')).ToList();
        Assert.Contains(somePath, paths);
        Assert.All(paths, path => Assert.StartsWith("/api/", path));
        Assert.DoesNotContain("/internal", body, StringComparison.OrdinalIgnoreCase);
        Assert.False(document.TryGetProperty("servers", out _), "A document names no service address: the gateway is the one origin.");
    }

    [Fact]
    public async Task TheReferencePageListsTheFourDocumentsAndRunsOnlyItsOwnScripts()
    {
        using var client = new HttpClient { BaseAddress = app.Gateway };

        using var page = await client.GetAsync("/api-reference/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        foreach (var name in new[] { "identity", "messaging", "presence", "media" })
        {
            Assert.Contains($"openapi/{name}.json", html);
        }
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self' 'sha256-", policy);
        Assert.DoesNotContain("unsafe-inline' 'sha", policy);
        using var bundle = await client.GetAsync("/api-reference/scalar.js");
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
    }
}
