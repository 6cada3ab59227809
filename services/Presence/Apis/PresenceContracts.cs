using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chat.Presence;

public sealed record ConnectionsReport(IReadOnlyList<ConnectionReport> Connections);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UserPresence))]
[JsonSerializable(typeof(IReadOnlyList<UserPresence>))]
[JsonSerializable(typeof(ConnectionsReport))]
internal sealed partial class PresenceJsonContext : JsonSerializerContext;
