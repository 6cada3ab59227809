using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.Presence.Apis;

public static class PresenceApi
{
    public static RouteGroupBuilder MapPresenceApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/presence").WithTags("Presence");
        group.MapGet("/", GetPresenceAsync)
            .WithSummary("Who is online")
            .WithDescription("`?userIds=1,2,3`: each user's `status` (`online`, `away`, `offline`) and `lastSeen`, for the users you share a conversation with; anyone else is left out of the answer.");
        return group;
    }

    /// <summary>
    /// <c>?userIds=1,2,3</c>: each user's status and last seen, for the users the caller shares a conversation with;
    /// anyone else is left out of the answer (presence is not public).
    /// </summary>
    public static async Task<Results<Ok<IReadOnlyList<UserPresence>>, ValidationProblem>> GetPresenceAsync(
        string? userIds, HttpContext context, PresenceTracker tracker, ContactDirectory contacts, IOptions<PresenceOptions> options,
        CancellationToken cancellationToken)
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
        var visible = ids.Distinct().ToList();
        if (options.Value.RestrictToContacts)
        {
            var allowed = await contacts.ContactsOfAsync(context.User.GetUserId(), cancellationToken);
            visible.RemoveAll(id => !allowed.Contains(id));
        }
        return TypedResults.Ok(visible.Count == 0 ? [] : await tracker.GetAsync(visible));
    }

    private static ValidationProblem Invalid(string detail) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userIds"] = [detail] },
            type: "https://chat.example/problems/invalid-request", title: "The request is invalid");
}
