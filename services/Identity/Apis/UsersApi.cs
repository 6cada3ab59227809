using Chat.Identity.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Chat.Identity.Apis;

public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/identity/users").WithTags("Users");
        group.MapPost("/", CreateUserAsync).AllowAnonymous();
        group.MapGet("/me", GetMeAsync).RequireAuthorization();
        group.MapGet("/{id:long}", GetUserAsync).RequireAuthorization();
        group.MapGet("/", SearchUsersAsync).RequireAuthorization();
        return group;
    }

    public static async Task<Results<Created<User>, ValidationProblem, ProblemHttpResult>> CreateUserAsync(
        CreateUserRequest request, IUserStore users, IPasswordHasher<UserCredentials> hasher, CancellationToken cancellationToken)
    {
        var errors = AccountRules.Validate(request.Username, request.Password, request.DisplayName);
        if (errors.Count > 0)
        {
            return IdentityProblems.Invalid(errors);
        }

        var username = request.Username!;
        var displayName = request.DisplayName?.Trim() ?? username;
        var hash = hasher.HashPassword(null!, request.Password!);
        var user = await users.CreateAsync(username, displayName, hash, cancellationToken);
        return user is null
            ? IdentityProblems.UsernameTaken(username)
            : TypedResults.Created($"/api/identity/users/{user.Id}", user);
    }

    public static async Task<Results<Ok<User>, NotFound>> GetMeAsync(HttpContext context, IUserStore users, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(context.User.GetUserId(), cancellationToken) is { } user ? TypedResults.Ok(user) : TypedResults.NotFound();

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
