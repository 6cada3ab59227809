using Chat.Identity.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Identity.Apis;

/// <summary>
/// The caller's blocks. Identity keeps the list; Messaging enforces it from its own copy, told synchronously before
/// the change is stored here. When Messaging cannot be told, the change answers 503 and nothing is stored; when the
/// store fails after Messaging was told, Messaging is put back. A repeated PUT or DELETE re-tells Messaging, so a
/// retry always converges.
/// </summary>
public static class BlocksApi
{
    public static RouteGroupBuilder MapBlocksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/identity/users/me/blocks").WithTags("Blocks").RequireAuthorization();
        group.MapGet("/", ListBlocksAsync)
            .WithSummary("The users you blocked")
            .WithDescription("Oldest block first.");
        group.MapPut("/{userId:long}", BlockAsync)
            .WithSummary("Block a user")
            .WithDescription("Neither of you can then open a direct conversation, message the other in one, or add the other to a group. Repeatable. 404 `user-not-found`; 503 `blocks-unavailable` when it cannot be applied now (nothing changed: try again).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapDelete("/{userId:long}", UnblockAsync)
            .WithSummary("Unblock a user")
            .WithDescription("Repeatable. 404 `user-not-found`; 503 `blocks-unavailable` when it cannot be applied now.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary>Everyone the caller blocked, oldest block first.</summary>
    public static async Task<Ok<IReadOnlyList<User>>> ListBlocksAsync(HttpContext context, IBlockStore blocks, IUserStore users, CancellationToken cancellationToken)
    {
        var blocked = new List<User>();
        foreach (var id in await blocks.ListAsync(context.User.GetUserId(), cancellationToken))
        {
            if (await users.FindByIdAsync(id, cancellationToken) is { } user)
            {
                blocked.Add(user);
            }
        }
        return TypedResults.Ok<IReadOnlyList<User>>(blocked);
    }

    public static Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> BlockAsync(
        long userId, HttpContext context, IBlockStore blocks, IUserStore users, BlockEnforcement enforcement, CancellationToken cancellationToken) =>
        ChangeAsync(context.User.GetUserId(), userId, blocked: true, blocks, users, enforcement, cancellationToken);

    public static Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> UnblockAsync(
        long userId, HttpContext context, IBlockStore blocks, IUserStore users, BlockEnforcement enforcement, CancellationToken cancellationToken) =>
        ChangeAsync(context.User.GetUserId(), userId, blocked: false, blocks, users, enforcement, cancellationToken);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        long blockerId, long blockedId, bool blocked, IBlockStore blocks, IUserStore users, BlockEnforcement enforcement,
        CancellationToken cancellationToken)
    {
        if (blockedId == blockerId)
        {
            return IdentityProblems.Invalid(new() { ["userId"] = ["You cannot block yourself."] });
        }
        if (await users.FindByIdAsync(blockedId, cancellationToken) is null)
        {
            return IdentityProblems.UserNotFound(blockedId);
        }
        using var serialized = await enforcement.SerializeAsync(cancellationToken);
        var wasBlocked = await blocks.IsBlockedAsync(blockerId, blockedId, cancellationToken);
        // Enforcement first: once this answers 204 the change holds everywhere; before that nothing here has changed.
        if (!await enforcement.TryApplyAsync(blockerId, blockedId, blocked, cancellationToken))
        {
            return IdentityProblems.BlocksUnavailable();
        }
        try
        {
            // Past this point the caller's cancellation would leave the two copies apart.
            await (blocked
                ? blocks.AddAsync(blockerId, blockedId, CancellationToken.None)
                : blocks.RemoveAsync(blockerId, blockedId, CancellationToken.None));
        }
        catch
        {
            if (wasBlocked != blocked)
            {
                await enforcement.TryApplyAsync(blockerId, blockedId, wasBlocked, CancellationToken.None);
            }
            throw;
        }
        return TypedResults.NoContent();
    }
}
