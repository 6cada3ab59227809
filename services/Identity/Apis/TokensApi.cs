using System.Security.Cryptography;
using Chat.Identity.Tokens;
using Chat.Identity.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Chat.Identity.Apis;

public static class TokensApi
{
    // Verified when the user does not exist, so "no such user" costs the same time as "wrong password".
    private static readonly string DecoyHash = new PasswordHasher<UserCredentials>().HashPassword(null!, "decoy-password-for-timing");

    public static RouteGroupBuilder MapTokensApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(RefreshTokenCookie.Path).WithTags("Tokens").AllowAnonymous();
        group.MapPost("/", CreateTokenAsync)
            .WithSummary("Log in")
            .WithDescription("An access token in the body; the session's refresh token in the HttpOnly cookie `chat_refresh` (path /api/identity/tokens). 401 `bad-credentials`.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .RequireRateLimiting(CredentialRateLimits.Login)
            .RequireLoginThrottle();
        group.MapPost("/refresh", RefreshTokenAsync)
            .WithSummary("Trade the refresh cookie for a new access token")
            .WithDescription("Sends the `chat_refresh` cookie, which is replaced by the next one. 401 `invalid-refresh-token`, or `refresh-token-reused` (the session is then ended everywhere).")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapDelete("/", RevokeTokenAsync)
            .WithSummary("Log out")
            .WithDescription("Ends the cookie's session and clears the cookie; repeatable.");
        return group;
    }

    /// <summary>Login: an access token in the body, a new refresh-token family in the cookie.</summary>
    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> CreateTokenAsync(
        CreateTokenRequest request,
        HttpContext context,
        IUserStore users,
        IRefreshTokenStore refreshTokens,
        IPasswordHasher<UserCredentials> hasher,
        AccessTokenIssuer issuer,
        IOptions<IdentityOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var credentials = string.IsNullOrEmpty(request.Username)
            ? null
            : await users.FindCredentialsAsync(request.Username, cancellationToken);
        var verdict = hasher.VerifyHashedPassword(credentials!, credentials?.PasswordHash ?? DecoyHash, request.Password ?? string.Empty);
        if (credentials is null || verdict == PasswordVerificationResult.Failed)
        {
            return IdentityProblems.BadCredentials();
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await users.UpdatePasswordHashAsync(credentials.User.Id, hasher.HashPassword(credentials, request.Password!), cancellationToken);
        }

        var familyId = Guid.CreateVersion7().ToString("N");
        var (refreshToken, refreshHash) = RefreshTokenSecret.Create();
        var refreshExpiresAt = time.GetUtcNow() + options.Value.RefreshTokenLifetime;
        await refreshTokens.CreateAsync(refreshHash, credentials.User.Id, familyId, refreshExpiresAt, cancellationToken);
        RefreshTokenCookie.Set(context.Response, refreshToken, refreshExpiresAt);
        return TypedResults.Ok(CreateResponse(issuer.Issue(credentials.User, familyId), time));
    }

    /// <summary>Trades the cookie's refresh token for the next one and a new access token; a reused token ends the session.</summary>
    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshTokenAsync(
        HttpContext context,
        IUserStore users,
        IRefreshTokenStore refreshTokens,
        AccessTokenIssuer issuer,
        IOptions<IdentityOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var presentedValue = RefreshTokenCookie.Read(context.Request);
        if (RefreshTokenSecret.HashOf(presentedValue) is not { } presented)
        {
            RefreshTokenCookie.Clear(context.Response);
            return IdentityProblems.InvalidRefreshToken();
        }

        var salt = RandomNumberGenerator.GetBytes(RefreshTokenSecret.SecretBytes);
        var (_, nextHash) = RefreshTokenSecret.Successor(presentedValue, salt)!.Value;
        var result = await refreshTokens.RotateAsync(
            presented, new RefreshSuccessor(nextHash, salt, time.GetUtcNow() + options.Value.RefreshTokenLifetime), options.Value.RefreshReuseGrace, cancellationToken);
        // The successor of this rotation, or within the grace window the one an earlier, lost answer carried.
        var next = result.SuccessorSalt is { } successorSalt ? RefreshTokenSecret.Successor(presentedValue, successorSalt) : null;
        var user = result.Outcome == RefreshOutcome.Rotated ? await users.FindByIdAsync(result.UserId, cancellationToken) : null;
        if (user is null || next is null)
        {
            if (result.Outcome == RefreshOutcome.Rotated && next is { } orphan)
            {
                await refreshTokens.RevokeFamilyAsync(orphan.Hash, cancellationToken);
            }
            RefreshTokenCookie.Clear(context.Response);
            return result.Outcome == RefreshOutcome.Reused ? IdentityProblems.RefreshTokenReused() : IdentityProblems.InvalidRefreshToken();
        }

        RefreshTokenCookie.Set(context.Response, next.Value.Value, result.SuccessorExpiresAt);
        return TypedResults.Ok(CreateResponse(issuer.Issue(user, result.FamilyId), time));
    }

    /// <summary>Logout: ends the cookie's session (its whole family) and clears the cookie; idempotent.</summary>
    public static async Task<NoContent> RevokeTokenAsync(HttpContext context, IRefreshTokenStore refreshTokens, CancellationToken cancellationToken)
    {
        if (RefreshTokenSecret.HashOf(RefreshTokenCookie.Read(context.Request)) is { } presented)
        {
            await refreshTokens.RevokeFamilyAsync(presented, cancellationToken);
        }
        RefreshTokenCookie.Clear(context.Response);
        return TypedResults.NoContent();
    }

    private static TokenResponse CreateResponse(AccessToken token, TimeProvider time) =>
        new(token.Token, (int)Math.Floor((token.ExpiresAt - time.GetUtcNow()).TotalSeconds));
}
