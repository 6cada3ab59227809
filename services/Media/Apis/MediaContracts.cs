using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chat.Media.Apis;

public sealed record UploadedMedia(long Id, long ConversationId, string ContentType, long Size, string FileName, int? Width, int? Height);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UploadedMedia))]
internal sealed partial class MediaJsonContext : JsonSerializerContext;
