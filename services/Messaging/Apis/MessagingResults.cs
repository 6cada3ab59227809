using Chat.Messaging.Messages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Messaging.Apis;

internal static class MessagingResults
{
    public static ProblemHttpResult Problem(MessagingError error) => TypedResults.Problem(
        statusCode: error.Code switch
        {
            "conversation-not-found" or "user-not-found" or "message-not-found" or "media-not-found" => StatusCodes.Status404NotFound,
            "not-allowed" => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status400BadRequest,
        },
        type: error.Type,
        title: error.Title,
        detail: error.Detail,
        extensions: error.Field is null ? null : new Dictionary<string, object?> { ["field"] = error.Field });
}
