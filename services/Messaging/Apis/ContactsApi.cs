using Chat.Messaging.Presence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Messaging.Apis;

/// <summary>
/// For Presence: whom a user shares a conversation with, so presence is shown only to them; never someone either of
/// the two blocked.
/// </summary>
public static class ContactsApi
{
    public static RouteHandlerBuilder MapContactsApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet($"{InternalApiOptions.PathPrefix}/contacts/{{userId:long}}", ListContactsAsync).WithTags("Contacts").AllowAnonymous()
            .WithName("ListContacts").WithSummary("Whose presence a user may see (internal, for Presence).");

    public static async Task<Ok<long[]>> ListContactsAsync(long userId, PresenceAudience audience, CancellationToken cancellationToken) =>
        TypedResults.Ok((await audience.ContactsOfAsync(userId, cancellationToken)).ToArray());
}
