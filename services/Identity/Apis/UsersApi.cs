using System.Security.Claims;
using Chat.Identity.Tokens;
using Chat.Identity.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Chat.Identity.Apis;

public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/identity/users").WithTags("Users").RequireAuthorization();
        group.MapPost("/", CreateUserAsync)
            .WithSummary("Sign up")
            .WithDescription("Creates an account; the display name defaults to the username. 409 `username-taken`; 400 `invalid-request` or `weak-password` naming the fields.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .AllowAnonymous()
            .RequireRateLimiting(CredentialRateLimits.SignUp)
            .RequireUsernameRateLimit(CredentialRateLimits.SignUp);
        group.MapGet("/me", GetMeAsync)
            .WithSummary("Your own account")
            .WithDescription("The caller as everyone sees them, plus their own settings (`groupAdds`).");
        group.MapPatch("/me", UpdateMeAsync)
            .WithSummary("Change your display name or who may add you to groups")
            .WithDescription("Either or both of `displayName` and `groupAdds` (`everyone`, `contacts` or `nobody`).");
        group.MapPut("/me/password", ChangePasswordAsync)
            .WithSummary("Change your password")
            .WithDescription("Ends every other session; this one stays. 403 `wrong-password` when the current password is wrong; 400 `weak-password`.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .RequireRateLimiting(CredentialRateLimits.Login)
            .RequireUsernameRateLimit(CredentialRateLimits.Login);
        group.MapGet("/{id:long}", GetUserAsync)
            .WithSummary("A user by id");
        group.MapGet("/", SearchUsersAsync)
            .WithSummary("Find users by name")
            .WithDescription("`search` (1 to 64 characters) matched against usernames and display names; page on with `after` (the last id seen) and `limit`.");
        return group;
    }

    public static async Task<Results<Created<User>, ValidationProblem, ProblemHttpResult>> CreateUserAsync(
        CreateUserRequest request, IUserStore users, IPasswordHasher<UserCredentials> hasher, CancellationToken cancellationToken)
    {
        var errors = AccountRules.Validate(request.Username, request.Password, request.DisplayName);
        if (errors.Count > 0)
        {
            return IdentityProblems.InvalidAccount(errors);
        }

        var username = AccountRules.NormalizeUsername(request.Username!);
        var displayName = request.DisplayName?.Trim() ?? username;
        var hash = hasher.HashPassword(null!, request.Password!);
        var user = await users.CreateAsync(username, displayName, hash, cancellationToken);
        return user is null
            ? IdentityProblems.UsernameTaken(username)
            : TypedResults.Created($"/api/identity/users/{user.Id}", user);
    }

    /// <summary>The caller as everyone sees them, plus their own settings.</summary>
    public static async Task<Results<Ok<Account>, NotFound>> GetMeAsync(HttpContext context, IUserStore users, CancellationToken cancellationToken) =>
        await FindAccountAsync(context.User.GetUserId(), users, cancellationToken) is { } account ? TypedResults.Ok(account) : TypedResults.NotFound();

    /// <summary>Changes the display name, who may add the caller to groups, or both; at least one is given.</summary>
    public static async Task<Results<Ok<Account>, ValidationProblem, NotFound>> UpdateMeAsync(
        UpdateUserRequest request, HttpContext context, IUserStore users, CancellationToken cancellationToken)
    {
        if (request.GroupAdds is not null && !GroupAdds.All.Contains(request.GroupAdds))
        {
            return IdentityProblems.Invalid(new() { ["groupAdds"] = [$"groupAdds is one of {string.Join(", ", GroupAdds.All)}."] });
        }
        if ((request.DisplayName is not null || request.GroupAdds is null) && AccountRules.CheckDisplayName(request.DisplayName) is { } error)
        {
            return IdentityProblems.Invalid(new() { ["displayName"] = [error] });
        }
        var userId = context.User.GetUserId();
        if (request.DisplayName is not null && await users.UpdateDisplayNameAsync(userId, request.DisplayName.Trim(), cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }
        if (request.GroupAdds is not null && !await users.UpdateGroupAddsAsync(userId, request.GroupAdds, cancellationToken))
        {
            return TypedResults.NotFound();
        }
        return await FindAccountAsync(userId, users, cancellationToken) is { } account ? TypedResults.Ok(account) : TypedResults.NotFound();
    }

    private static async Task<Account?> FindAccountAsync(long userId, IUserStore users, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(userId, cancellationToken) is { } user
        && await users.FindGroupAddsAsync(userId, cancellationToken) is { } groupAdds
            ? new Account(user.Id, user.Username, user.DisplayName, groupAdds)
            : null;

    /// <summary>Changes the password and ends every other session; the caller's own session (its <c>sid</c>) stays.</summary>
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult, NotFound>> ChangePasswordAsync(
        ChangePasswordRequest request,
        HttpContext context,
        IUserStore users,
        IRefreshTokenStore refreshTokens,
        IPasswordHasher<UserCredentials> hasher,
        CancellationToken cancellationToken)
    {
        if (await users.FindCredentialsByIdAsync(context.User.GetUserId(), cancellationToken) is not { } credentials)
        {
            return TypedResults.NotFound();
        }
        if (hasher.VerifyHashedPassword(credentials, credentials.PasswordHash, request.CurrentPassword ?? string.Empty) == PasswordVerificationResult.Failed)
        {
            return IdentityProblems.WrongPassword();
        }
        if (AccountRules.CheckPassword(request.NewPassword, credentials.User.Username) is { } error)
        {
            return IdentityProblems.WeakPassword(new() { ["newPassword"] = [error] });
        }

        await users.UpdatePasswordHashAsync(credentials.User.Id, hasher.HashPassword(credentials, request.NewPassword!), cancellationToken);
        await refreshTokens.RevokeUserAsync(credentials.User.Id, context.User.FindFirstValue(ChatClaims.SessionId), cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<User>, NotFound>> GetUserAsync(long id, IUserStore users, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(id, cancellationToken) is { } user ? TypedResults.Ok(user) : TypedResults.NotFound();

    public static async Task<Results<Ok<IReadOnlyList<User>>, ValidationProblem>> SearchUsersAsync(
        string? search, long? after, int? limit, IUserStore users, IOptions<IdentityOptions> options, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxSearchResults;
        if (string.IsNullOrWhiteSpace(search) || search.Length > 64)
        {
            return IdentityProblems.Invalid(new() { ["search"] = ["Give 1 to 64 characters to search for."] });
        }
        if (limit is < 1 || limit > max)
        {
            return IdentityProblems.Invalid(new() { ["limit"] = [$"The limit is 1 to {max}."] });
        }
        return TypedResults.Ok(await users.SearchAsync(search.Trim(), after ?? 0, limit ?? max, cancellationToken));
    }
}
