using Chat.Messaging.Conversations;
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
        group.MapPut("/", BlockAsync).WithName("RecordBlock").WithSummary("Records that one user blocked another (internal, for Identity).");
        group.MapDelete("/", UnblockAsync).WithName("RecordUnblock").WithSummary("Records that a block ended (internal, for Identity).");
        return group;
    }

    public static async Task<NoContent> BlockAsync(long blockerId, long blockedId, BlockCommands blocks, CancellationToken cancellationToken)
    {
        await blocks.BlockAsync(blockerId, blockedId, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> UnblockAsync(long blockerId, long blockedId, BlockCommands blocks, CancellationToken cancellationToken)
    {
        await blocks.UnblockAsync(blockerId, blockedId, cancellationToken);
        return TypedResults.NoContent();
    }
}
