namespace Chat.Identity.Tokens;

/// <summary>
/// The refresh token travels only in this cookie: script cannot read it, and the browser sends it only to the token
/// endpoints. A secret-free companion, <see cref="HintName"/>, lives and dies with it so the web client can tell "there
/// is a session to resume" without a refresh call that would fail on a first visit.
/// </summary>
public static class RefreshTokenCookie
{
    public const string Name = "chat_refresh";
    public const string Path = "/api/identity/tokens";
    public const string HintName = "chat_session";
    public const string HintPath = "/";

    public static string? Read(HttpRequest request) => request.Cookies[Name];

    public static void Set(HttpResponse response, string value, DateTimeOffset expiresAt)
    {
        response.Cookies.Append(Name, value, Options(expiresAt));
        response.Cookies.Append(HintName, "1", HintOptions(expiresAt));
    }

    public static void Clear(HttpResponse response)
    {
        response.Cookies.Delete(Name, Options(null));
        response.Cookies.Delete(HintName, HintOptions(null));
    }

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

    // Readable by script on every page (it holds no secret), with the refresh cookie's lifetime.
    private static CookieOptions HintOptions(DateTimeOffset? expiresAt) => new()
    {
        HttpOnly = false,
        Secure = true,
        SameSite = SameSiteMode.Strict,
        Path = HintPath,
        Expires = expiresAt,
        IsEssential = true,
    };
}
