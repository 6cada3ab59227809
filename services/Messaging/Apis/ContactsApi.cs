using Chat.Messaging.Presence;
using Chat.Messaging.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Messaging.Apis;

/// <summary>
/// For Presence: whom a user shares a conversation with, so presence is shown only to them; never someone either of
/// the two blocked.
/// </summary>
public static class ContactsApi
{
    public static RouteHandlerBuilder MapContactsApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet($"{InternalApiOptions.PathPrefix}/contacts/{{userId:long}}", ListContactsAsync).WithTags("Contacts").AllowAnonymous();

    public static async Task<Ok<long[]>> ListContactsAsync(long userId, IConversationStore conversations, IBlockStore blocks, CancellationToken cancellationToken) =>
        TypedResults.Ok((await PresenceAudience.ContactsOfAsync(userId, conversations, blocks, cancellationToken)).ToArray());
}
