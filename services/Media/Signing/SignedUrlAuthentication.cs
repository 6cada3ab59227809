using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Chat.Media.Apis;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Chat.Media.Signing;

/// <summary>
/// Authenticates a download by its signed URL instead of a bearer token. The principal it makes holds the
/// user id and the one media id the signature covers, and nothing else.
/// </summary>
public sealed class SignedUrlAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SignedMediaUrls urls)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "SignedUrl";

    /// <summary>Downloads accept either a bearer token or a signed URL.</summary>
    public const string DownloadPolicy = "MediaDownload";

    /// <summary>The media id a signed principal may read.</summary>
    public const string MediaIdClaim = "media_id";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var query = Request.Query;
        if (!query.ContainsKey(SignedMediaUrls.SignatureParameter))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (!long.TryParse(Request.RouteValues["id"] as string, NumberStyles.None, CultureInfo.InvariantCulture, out var mediaId))
        {
            return Task.FromResult(AuthenticateResult.Fail("A signed URL names a media id."));
        }
        var (status, userId) = urls.Verify(mediaId, query[SignedMediaUrls.UserParameter], query[SignedMediaUrls.ExpiryParameter], query[SignedMediaUrls.SignatureParameter]);
        if (status != SignatureStatus.Valid)
        {
            return Task.FromResult(AuthenticateResult.Fail(status == SignatureStatus.Expired
                ? "The signed URL has expired; ask for a fresh one at /api/media/{id}/info."
                : "The signed URL's signature does not match."));
        }
        var identity = new ClaimsIdentity(
            [
                new Claim(ChatClaims.UserId, userId.ToString(CultureInfo.InvariantCulture)),
                new Claim(MediaIdClaim, mediaId.ToString(CultureInfo.InvariantCulture)),
            ],
            SchemeName, ChatClaims.UserName, null);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <summary>A presented but bad signature says why, as ProblemDetails; no signature at all leaves the answer to the bearer scheme.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.Failure is null || Response.HasStarted)
        {
            return;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await MediaProblems.InvalidSignature(result.Failure.Message).ExecuteAsync(Context);
    }

    public static void AddTo(IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, SignedUrlAuthenticationHandler>(SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(DownloadPolicy, policy => policy
            // The signature scheme first: when a signature was presented, its refusal is the one that explains.
            .AddAuthenticationSchemes(SchemeName, JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser());
    }
}

public static class SignedPrincipalExtensions
{
    /// <summary>True when the caller came with a signed URL for exactly this media (membership was checked when it was minted).</summary>
    public static bool HoldsSignatureFor(this ClaimsPrincipal user, long mediaId) =>
        user.HasClaim(SignedUrlAuthenticationHandler.MediaIdClaim, mediaId.ToString(CultureInfo.InvariantCulture));
}
