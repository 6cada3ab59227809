using Chat.Messaging.Hubs;
using Chat.Messaging.Presence;
using Chat.Messaging.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Messaging.Apis;

/// <summary>
/// For Identity, which owns blocks: it records each change here before answering its caller, so Messaging enforces
/// a block from the moment the block is reported done. Idempotent, so Identity may repeat a call it is unsure of.
/// </summary>
public static class BlocksApi
{
    public static RouteGroupBuilder MapBlocksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup($"{InternalApiOptions.PathPrefix}/blocks/{{blockerId:long}}/{{blockedId:long}}").WithTags("Blocks").AllowAnonymous();
        group.MapPut("/", BlockAsync);
        group.MapDelete("/", UnblockAsync);
        return group;
    }

    public static async Task<NoContent> BlockAsync(
        long blockerId, long blockedId, IBlockStore blocks, ChatEvents events, PresenceContactsCache presenceContacts, CancellationToken cancellationToken)
    {
        await blocks.SetAsync(blockerId, blockedId, blocked: true, cancellationToken);
        // Each stops seeing the other online at once, not at their next reconnect or when Presence's cache expires.
        await events.PresenceHiddenAsync(blockerId, blockedId);
        presenceContacts.Forget(blockerId, blockedId);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> UnblockAsync(
        long blockerId, long blockedId, IBlockStore blocks, PresenceRelay presence, PresenceContactsCache presenceContacts, CancellationToken cancellationToken)
    {
        await blocks.SetAsync(blockerId, blockedId, blocked: false, cancellationToken);
        // Each may see the other again: Presence recomputes their contacts, and their next status reaches the other.
        presence.Forget(blockerId, blockedId);
        presenceContacts.Forget(blockerId, blockedId);
        return TypedResults.NoContent();
    }
}
