using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Net.Http.Headers;

namespace Chat.Identity.Tests;

/// <summary>Identity calls as a browser makes them, with the refresh cookie handled by hand so tests can replay old ones.</summary>
internal static class IdentityHttp
{
    public const string CookieName = "chat_refresh";
    public const string HintCookieName = "chat_session";

    public static HttpClient CreateBrowserlessClient(this IdentityFactory identity) =>
        identity.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

    public static async Task<HttpResponseMessage> SignUpAsync(this HttpClient client, string username, string password = IdentityFactory.Password) =>
        await client.PostAsJsonAsync("/api/identity/users", new { username, password });

    public static async Task<HttpResponseMessage> LogInAsync(this HttpClient client, string username, string password = IdentityFactory.Password) =>
        await client.PostAsJsonAsync("/api/identity/tokens", new { username, password });

    public static async Task<HttpResponseMessage> RefreshAsync(this HttpClient client, string? refreshToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/identity/tokens/refresh");
        AddCookie(request, refreshToken);
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> LogOutAsync(this HttpClient client, string? refreshToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/identity/tokens");
        AddCookie(request, refreshToken);
        return await client.SendAsync(request);
    }

    /// <summary>The refresh cookie the response sets (null when it sets none).</summary>
    public static SetCookieHeaderValue? RefreshCookie(this HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? SetCookieHeaderValue.ParseList(values.ToList()).SingleOrDefault(c => c.Name == CookieName)
            : null;

    /// <summary>The session hint cookie the response sets (null when it sets none).</summary>
    public static SetCookieHeaderValue? SessionHintCookie(this HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? SetCookieHeaderValue.ParseList(values.ToList()).SingleOrDefault(c => c.Name == HintCookieName)
            : null;

    public static string RefreshToken(this HttpResponseMessage response) =>
        response.RefreshCookie()?.Value.ToString() ?? throw new InvalidOperationException("The response sets no refresh cookie.");

    public static async Task<string> AccessTokenAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;

    public static async Task<HttpResponseMessage> GetMeAsync(this HttpClient client, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/identity/users/me");
        request.Headers.Authorization = new("Bearer", accessToken);
        return await client.SendAsync(request);
    }

    private static void AddCookie(HttpRequestMessage request, string? refreshToken)
    {
        if (refreshToken is not null)
        {
            request.Headers.Add("Cookie", $"{CookieName}={refreshToken}");
        }
    }
}
