using Chat.Messaging.Messages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Messaging.Apis;

/// <summary>How an application service's refusal is answered over HTTP: ProblemDetails with its status, type and field.</summary>
internal static class MessagingProblems
{
    public static ProblemHttpResult ToProblem(this MessagingError error) => TypedResults.Problem(
        statusCode: error.Status,
        type: error.Type,
        title: error.Title,
        detail: error.Detail,
        extensions: error.Field is null ? null : new Dictionary<string, object?> { ["field"] = error.Field });

    /// <summary>Every endpoint of the group answers a thrown <see cref="MessagingError"/> as its ProblemDetails.</summary>
    public static RouteGroupBuilder AnswerErrorsAsProblems(this RouteGroupBuilder group) => group.AddEndpointFilter(async (context, next) =>
    {
        try
        {
            return await next(context);
        }
        catch (MessagingError error)
        {
            return error.ToProblem();
        }
    });

    /// <summary>Documents the refusals an endpoint may answer (all ProblemDetails).</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder endpoint, params int[] statusCodes)
    {
        foreach (var statusCode in statusCodes)
        {
            endpoint.ProducesProblem(statusCode);
        }
        return endpoint;
    }
}
