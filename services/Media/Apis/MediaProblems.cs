using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Media.Apis;

/// <summary>Stable ProblemDetails types, so the client can act on the failure rather than its wording.</summary>
internal static class MediaProblems
{
    public const string TypePrefix = "https://chat.example/problems/";

    public static ProblemHttpResult MissingConversation() =>
        Problem(StatusCodes.Status400BadRequest, "invalid-request", "The request is invalid", "Say which conversation: ?conversationId=.");

    public static ProblemHttpResult MalformedUpload(string detail) =>
        Problem(StatusCodes.Status400BadRequest, "malformed-upload", "Malformed upload", detail);

    public static ProblemHttpResult ConversationNotFound(long conversationId) =>
        Problem(StatusCodes.Status404NotFound, "conversation-not-found", "Conversation not found",
            $"There is no conversation {conversationId} that you are a member of.");

    public static ProblemHttpResult FileTooLarge(long max) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "file-too-large", "File too large", $"A file has at most {max} bytes.");

    public static ProblemHttpResult EmptyFile() =>
        Problem(StatusCodes.Status400BadRequest, "empty-file", "Empty file", "The file has no bytes.");

    public static ProblemHttpResult CorruptImage() =>
        Problem(StatusCodes.Status422UnprocessableEntity, "corrupt-image", "Corrupt image",
            "The file starts like an image but cannot be decoded as one.");

    public static ProblemHttpResult ImageTooLarge(int width, int height, long maxPixels) =>
        Problem(StatusCodes.Status422UnprocessableEntity, "image-too-large", "Image too large",
            $"The image declares {width} × {height} pixels; at most {maxPixels} pixels are accepted.");

    public static ProblemHttpResult AnimationTooLarge(int width, int height, long frames, long maxPixels) =>
        Problem(StatusCodes.Status422UnprocessableEntity, "animation-too-large", "Animation too large",
            $"The image declares {frames} frames of {width} × {height} pixels; at most {maxPixels} pixels over all frames are accepted.");

    public static ProblemHttpResult MediaNotFound(long id) =>
        Problem(StatusCodes.Status404NotFound, "media-not-found", "Media not found", $"There is no media {id} that you can see.");

    public static ProblemHttpResult MediaAttached(long id) =>
        Problem(StatusCodes.Status409Conflict, "media-attached", "Media is attached",
            $"Media {id} was sent in a message; it goes when that message is deleted.");

    public static ProblemHttpResult ThumbnailNotFound(long id) =>
        Problem(StatusCodes.Status404NotFound, "thumbnail-not-found", "No thumbnail", $"Media {id} is not an image, so it has no thumbnail.");

    public static ProblemHttpResult InvalidSignature(string detail) =>
        Problem(StatusCodes.Status401Unauthorized, "invalid-signature", "Invalid signed URL", detail);

    /// <summary>A 400 ValidationProblem naming <c>fileName</c>, as a problem result so the upload's signature stays one type.</summary>
    public static ProblemHttpResult InvalidFileName(string message) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["fileName"] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Type = TypePrefix + "invalid-request",
            Title = "The request is invalid",
        });

    public static ValidationProblem Invalid(string field, string message) => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { [field] = [message] },
        type: TypePrefix + "invalid-request",
        title: "The request is invalid");

    private static ProblemHttpResult Problem(int status, string code, string title, string detail) =>
        TypedResults.Problem(statusCode: status, type: TypePrefix + code, title: title, detail: detail);
}
