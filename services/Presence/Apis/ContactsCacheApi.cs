namespace Chat.Presence.Apis;

/// <summary>For Messaging, after a block: whom a user may see changed, so the cached list must not be used again.</summary>
public static class ContactsCacheApi
{
    public static RouteHandlerBuilder MapContactsCacheApi(this IEndpointRouteBuilder routes) =>
        routes.MapDelete($"{InternalApiOptions.PathPrefix}/presence/contacts/{{userId:long}}", Forget).WithTags("Contacts").AllowAnonymous();

    public static IResult Forget(long userId, ContactDirectory contacts)
    {
        contacts.Forget(userId);
        return TypedResults.NoContent();
    }
}
