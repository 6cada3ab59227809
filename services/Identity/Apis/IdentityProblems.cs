using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Identity.Apis;

/// <summary>Stable ProblemDetails types, so the client can act on the failure rather than its wording.</summary>
internal static class IdentityProblems
{
    private const string TypePrefix = "https://chat.example/problems/";

    public static ProblemHttpResult UsernameTaken(string username) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        type: TypePrefix + "username-taken",
        title: "Username taken",
        detail: $"The username '{username}' is already taken.");

    public static ProblemHttpResult BadCredentials() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        type: TypePrefix + "bad-credentials",
        title: "Bad credentials",
        detail: "The username or password is wrong.");

    public static ValidationProblem Invalid(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(
        errors,
        type: TypePrefix + "invalid-request",
        title: "The request is invalid");
}
