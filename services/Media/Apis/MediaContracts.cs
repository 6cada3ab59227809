using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chat.Media.Apis;

/// <summary>What a member sees of a media item, with signed URLs that work without an Authorization header.</summary>
public sealed record MediaInfo(
    long Id, long ConversationId, string ContentType, long Size, string FileName, int? Width, int? Height, string Url, string? ThumbnailUrl);

/// <summary>What Messaging asks before it lets a message carry a media id.</summary>
public sealed record InternalMediaInfo(long Id, long ConversationId, long UploaderId, string ContentType, long Size, string FileName, int? Width, int? Height);

public sealed record ReleaseMediaRequest(IReadOnlyList<long>? MediaIds);

public sealed record ReleaseMediaResult(int Released, int BlobsDeleted);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MediaInfo))]
[JsonSerializable(typeof(InternalMediaInfo))]
[JsonSerializable(typeof(ReleaseMediaRequest))]
[JsonSerializable(typeof(ReleaseMediaResult))]
internal sealed partial class MediaJsonContext : JsonSerializerContext;
