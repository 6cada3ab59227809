using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chat.Presence;

public sealed record ConnectionsReport(IReadOnlyList<ConnectionReport> Connections);

public sealed record AwayReport(long UserId, string ConnectionId, bool Away);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UserPresence))]
[JsonSerializable(typeof(IReadOnlyList<UserPresence>))]
[JsonSerializable(typeof(ConnectionsReport))]
[JsonSerializable(typeof(AwayReport))]
internal sealed partial class PresenceJsonContext : JsonSerializerContext;
