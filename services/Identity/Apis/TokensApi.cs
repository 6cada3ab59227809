using Chat.Identity.Tokens;
using Chat.Identity.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Chat.Identity.Apis;

public static class TokensApi
{
    // Verified when the user does not exist, so "no such user" costs the same time as "wrong password".
    private static readonly string DecoyHash = new PasswordHasher<UserCredentials>().HashPassword(null!, "decoy-password-for-timing");

    public static RouteGroupBuilder MapTokensApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/identity/tokens").WithTags("Tokens");
        group.MapPost("/", CreateTokenAsync).AllowAnonymous();
        return group;
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> CreateTokenAsync(
        CreateTokenRequest request,
        IUserStore users,
        IPasswordHasher<UserCredentials> hasher,
        AccessTokenIssuer issuer,
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

        var token = issuer.Issue(credentials.User);
        var expiresIn = (int)Math.Floor((token.ExpiresAt - time.GetUtcNow()).TotalSeconds);
        return TypedResults.Ok(new TokenResponse(token.Token, expiresIn));
    }
}
