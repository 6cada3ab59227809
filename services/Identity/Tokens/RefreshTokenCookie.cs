namespace Chat.Identity.Tokens;

/// <summary>The refresh token travels only in this cookie: script cannot read it, and the browser sends it only to the token endpoints.</summary>
public static class RefreshTokenCookie
{
    public const string Name = "chat_refresh";
    public const string Path = "/api/identity/tokens";

    public static string? Read(HttpRequest request) => request.Cookies[Name];

    public static void Set(HttpResponse response, string value, DateTimeOffset expiresAt) =>
        response.Cookies.Append(Name, value, Options(expiresAt));

    public static void Clear(HttpResponse response) => response.Cookies.Delete(Name, Options(null));

    // Secure stays on: browsers treat http://localhost and http://127.0.0.1 as secure contexts, which is how Chat runs locally.
    private static CookieOptions Options(DateTimeOffset? expiresAt) => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = SameSiteMode.Strict,
        Path = Path,
        Expires = expiresAt,
        IsEssential = true,
    };
}
