using System.Text.Json;
using System.Text.Json.Serialization;
using Chat.Identity.Users;
using Chat.Media.Storage;
using Chat.Messaging.Storage;

namespace Chat.Admin;

/// <summary>
/// The export file: a zip holding <c>manifest.json</c>, one JSON Lines entry per kind of record (one record a line,
/// camelCase, times in Unix milliseconds) and each blob as <c>blobs/&lt;sha-256&gt;</c>. A reader refuses any other
/// <see cref="ArchiveManifest.FormatVersion"/>; a change to a record's shape is a new version.
/// </summary>
public static class ArchiveFormat
{
    public const string Name = "chat-deployment";
    public const int Version = 1;

    public const string Manifest = "manifest.json";
    public const string Users = "identity/users.jsonl";
    public const string Blocks = "identity/blocks.jsonl";
    public const string Conversations = "messaging/conversations.jsonl";
    public const string Messages = "messaging/messages.jsonl";
    public const string BlockCopies = "messaging/blocks.jsonl";
    public const string MediaOutbox = "messaging/media-outbox.jsonl";
    public const string Media = "media/media.jsonl";
    public const string MediaReferences = "media/references.jsonl";
    public const string BlobPrefix = "blobs/";
}

/// <param name="Counts">Records per entry (and <c>blobs</c>), checked on import so a truncated file is caught.</param>
public sealed record ArchiveManifest(string Format, int FormatVersion, DateTimeOffset ExportedAt, IReadOnlyDictionary<string, long> Counts);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(ArchiveManifest))]
[JsonSerializable(typeof(ArchivedUser))]
[JsonSerializable(typeof(ArchivedBlock))]
[JsonSerializable(typeof(ArchivedConversation))]
[JsonSerializable(typeof(ArchivedMessage))]
[JsonSerializable(typeof(ArchivedBlockCopy))]
[JsonSerializable(typeof(Chat.Messaging.Storage.MediaReferenceChange), TypeInfoPropertyName = "OutboxChange")]
[JsonSerializable(typeof(ArchivedMedia))]
[JsonSerializable(typeof(ArchivedMediaReference))]
internal sealed partial class ArchiveJsonContext : JsonSerializerContext;
