using Chat.Identity.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Identity.Apis;

/// <summary>For Messaging, when someone is put into a group: who that person lets add them.</summary>
public static class InternalUsersApi
{
    public static RouteGroupBuilder MapInternalUsersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup($"{InternalApiOptions.PathPrefix}/users").WithTags("Internal").AllowAnonymous();
        group.MapGet("/{userId:long}/group-adds", GetGroupAddsAsync);
        return group;
    }

    public static async Task<Results<Ok<GroupAddsSetting>, NotFound>> GetGroupAddsAsync(long userId, IUserStore users, CancellationToken cancellationToken) =>
        await users.FindGroupAddsAsync(userId, cancellationToken) is { } groupAdds
            ? TypedResults.Ok(new GroupAddsSetting(groupAdds))
            : TypedResults.NotFound();
}
