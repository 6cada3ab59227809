using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.Presence.Apis;

public static class PresenceApi
{
    public static RouteGroupBuilder MapPresenceApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/presence").WithTags("Presence");
        group.MapGet("/", GetPresenceAsync);
        return group;
    }

    /// <summary><c>?userIds=1,2,3</c>: each user's status and last seen.</summary>
    public static async Task<Results<Ok<IReadOnlyList<UserPresence>>, ValidationProblem>> GetPresenceAsync(
        string? userIds, PresenceTracker tracker, IOptions<PresenceOptions> options)
    {
        var max = options.Value.MaxUsersPerQuery;
        var ids = new List<long>();
        foreach (var part in (userIds ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return Invalid($"'{part}' is not a user id.");
            }
            ids.Add(id);
        }
        if (ids.Count == 0 || ids.Count > max)
        {
            return Invalid($"Give 1 to {max} comma-separated user ids.");
        }
        return TypedResults.Ok(await tracker.GetAsync(ids.Distinct().ToList()));
    }

    private static ValidationProblem Invalid(string detail) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userIds"] = [detail] },
            type: "https://chat.example/problems/invalid-request", title: "The request is invalid");
}
