using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Identity.Apis;

/// <summary>Stable ProblemDetails types, so the client can act on the failure rather than its wording.</summary>
internal static class IdentityProblems
{
    private const string TypePrefix = ChatProblemTypes.Prefix;

    public static ProblemHttpResult UsernameTaken(string username) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        type: TypePrefix + "username-taken",
        title: "Username taken",
        detail: $"The username '{username}' is already taken.");

    public static ProblemHttpResult UserNotFound(long userId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        type: TypePrefix + "user-not-found",
        title: "User not found",
        detail: $"There is no user {userId}.");

    /// <summary>Messaging, which enforces blocks, could not be told of the change; nothing was changed, try again.</summary>
    public static ProblemHttpResult BlocksUnavailable() => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        type: TypePrefix + "blocks-unavailable",
        title: "Blocking is unavailable",
        detail: "The change could not be applied everywhere, so it was not made; try again shortly.");

    public static ProblemHttpResult BadCredentials() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        type: TypePrefix + "bad-credentials",
        title: "Bad credentials",
        detail: "The username or password is wrong.");

    /// <summary>The current password given to change it is wrong; 403, not 401: the access token itself is fine.</summary>
    public static ProblemHttpResult WrongPassword() => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        type: TypePrefix + "wrong-password",
        title: "Wrong password",
        detail: "The current password is wrong.");

    public static ProblemHttpResult InvalidRefreshToken() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        type: TypePrefix + "invalid-refresh-token",
        title: "Invalid refresh token",
        detail: "The session is missing, expired or ended; log in again.");

    public static ProblemHttpResult RefreshTokenReused() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        type: TypePrefix + "refresh-token-reused",
        title: "Refresh token reused",
        detail: "This refresh token was already used, so the session was ended everywhere; log in again.");

    public static ProblemHttpResult RateLimited(HttpContext context, TimeSpan? retryAfter)
    {
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            type: TypePrefix + "rate-limited",
            title: "Too many attempts",
            detail: "Too many attempts; wait before trying again.");
    }

    public static ValidationProblem WeakPassword(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(
        errors,
        type: TypePrefix + "weak-password",
        title: "The password is not accepted");

    public static ValidationProblem Invalid(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(
        errors,
        type: TypePrefix + "invalid-request",
        title: "The request is invalid");

    /// <summary>Weak-password when the password is the only problem, so the client knows which field to fix.</summary>
    public static ValidationProblem InvalidAccount(Dictionary<string, string[]> errors) =>
        errors.Keys.All(key => key == "password") ? WeakPassword(errors) : Invalid(errors);
}
