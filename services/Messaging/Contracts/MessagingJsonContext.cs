using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chat.Messaging.Contracts;

/// <summary>Source-generated JSON for every wire type, for HTTP and the hub's JSON protocol alike.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MessageView))]
[JsonSerializable(typeof(ConversationView))]
[JsonSerializable(typeof(IReadOnlyList<ConversationView>))]
[JsonSerializable(typeof(MessagePageView))]
[JsonSerializable(typeof(OpenDirectRequest))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(SendMessageResult))]
[JsonSerializable(typeof(SyncCursor[]))]
[JsonSerializable(typeof(SyncResult))]
[JsonSerializable(typeof(PresenceChange))]
[JsonSerializable(typeof(ReadMarker))]
[JsonSerializable(typeof(TypingNotice))]
[JsonSerializable(typeof(CreateGroupRequest))]
[JsonSerializable(typeof(RenameRequest))]
[JsonSerializable(typeof(AddMemberRequest))]
[JsonSerializable(typeof(EditMessageRequest))]
[JsonSerializable(typeof(ReadMarkerRequest))]
[JsonSerializable(typeof(ConversationRemoval))]
[JsonSerializable(typeof(MessagingLimits))]
[JsonSerializable(typeof(long[]))]
internal sealed partial class MessagingJsonContext : JsonSerializerContext;
