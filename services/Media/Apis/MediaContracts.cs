using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chat.Media.Apis;

/// <summary>What a member sees of a media item, with signed URLs that work without an Authorization header.</summary>
public sealed record MediaInfo(
    long Id, long ConversationId, string ContentType, long Size, string FileName, int? Width, int? Height, string Url, string? ThumbnailUrl);

/// <summary>What Messaging asks before it lets a message carry a media id.</summary>
public sealed record InternalMediaInfo(
    long Id, long ConversationId, long UploaderId, string ContentType, long Size, string FileName, int? Width, int? Height, bool Attached);

/// <summary>Message (conversation, seq) took the media on (<paramref name="Attached"/> true) or let it go.</summary>
public sealed record MediaReferenceChangeDto(long MediaId, long ConversationId, long Seq, bool Attached);

public sealed record MediaReferencesRequest(IReadOnlyList<MediaReferenceChangeDto>? Changes);

/// <summary>How many media items went (their last reference released) and how many blobs with them.</summary>
public sealed record MediaReferencesResult(int Removed, int BlobsDeleted);

/// <summary>What a client checks before it uploads (<c>GET /api/media/limits</c>).</summary>
public sealed record MediaLimits(long MaxUploadBytes);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MediaInfo))]
[JsonSerializable(typeof(InternalMediaInfo))]
[JsonSerializable(typeof(MediaReferencesRequest))]
[JsonSerializable(typeof(MediaReferencesResult))]
[JsonSerializable(typeof(MediaLimits))]
internal sealed partial class MediaJsonContext : JsonSerializerContext;
