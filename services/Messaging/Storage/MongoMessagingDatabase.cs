using Chat.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Chat.Messaging.Storage;

/// <summary>
/// The messaging collections on MongoDB, shared by the conversation and message stores as <see cref="MessagingDatabase"/>
/// is for SQLite. A conversation document embeds its members (at most 50) and holds the counters <c>lastSeq</c> and
/// <c>lastVersion</c>; every write that takes a seq or a version goes through <c>$inc</c> on that document inside a
/// transaction, so writers to one conversation serialise on it (a write conflict aborts and WithTransactionAsync retries).
/// Transactions need a replica set (a single-node one is enough).
/// </summary>
public sealed class MongoMessagingDatabase
{
    public const string ConversationsName = "conversations";
    public const string MessagesName = "messages";
    public const string MediaOutboxName = "media_outbox";

    public MongoMessagingDatabase(IMongoClient client, IMongoDatabase database, MongoIdSequences ids)
    {
        Client = client;
        Ids = ids;
        Conversations = database.GetCollection<ConversationDocument>(ConversationsName);
        Messages = database.GetCollection<MessageDocument>(MessagesName);
        MediaOutbox = database.GetCollection<MediaOutboxDocument>(MediaOutboxName);
        MediaOutbox.Indexes.CreateOne(new CreateIndexModel<MediaOutboxDocument>(
            Builders<MediaOutboxDocument>.IndexKeys.Ascending(o => o.ConversationId).Ascending(o => o.Seq), new CreateIndexOptions { Name = "by_message" }));

        var conversationIndex = Builders<ConversationDocument>.IndexKeys;
        Conversations.Indexes.CreateMany(
        [
            // One direct conversation per pair; groups have no key, and a sparse index leaves them out.
            new CreateIndexModel<ConversationDocument>(conversationIndex.Ascending(c => c.DirectKey),
                new CreateIndexOptions { Unique = true, Sparse = true, Name = "direct_key_unique" }),
            // A member's conversation list, most recently active first.
            new CreateIndexModel<ConversationDocument>(
                conversationIndex.Ascending("members.userId").Descending(c => c.UpdatedAt).Descending(c => c.Id),
                new CreateIndexOptions { Name = "by_member_recent" }),
        ]);
        var messageIndex = Builders<MessageDocument>.IndexKeys;
        Messages.Indexes.CreateMany(
        [
            new CreateIndexModel<MessageDocument>(messageIndex.Ascending(m => m.ConversationId).Ascending(m => m.Seq),
                new CreateIndexOptions { Unique = true, Name = "conversation_seq_unique" }),
            // Idempotency is per conversation, as in SQLite (docs/decisions.md).
            new CreateIndexModel<MessageDocument>(
                messageIndex.Ascending(m => m.ConversationId).Ascending(m => m.SenderId).Ascending(m => m.ClientMessageId),
                new CreateIndexOptions { Unique = true, Name = "idempotency_unique" }),
            new CreateIndexModel<MessageDocument>(messageIndex.Ascending(m => m.ConversationId).Ascending(m => m.Version),
                new CreateIndexOptions { Name = "conversation_version" }),
            new CreateIndexModel<MessageDocument>(messageIndex.Ascending(m => m.CreatedAt), new CreateIndexOptions { Name = "by_age" }),
        ]);
    }

    public IMongoClient Client { get; }

    public MongoIdSequences Ids { get; }

    public IMongoCollection<ConversationDocument> Conversations { get; }

    public IMongoCollection<MessageDocument> Messages { get; }

    /// <summary>Media reference changes waiting for Media (<see cref="IMediaOutbox"/>), oldest first by id.</summary>
    public IMongoCollection<MediaOutboxDocument> MediaOutbox { get; }

    /// <summary>Adds media reference changes in the caller's transaction, so they commit (or abort) with the message change.</summary>
    public async Task AddToMediaOutboxAsync(IClientSessionHandle session, IReadOnlyList<MediaReferenceChange> changes, CancellationToken cancellationToken)
    {
        if (changes.Count > 0)
        {
            await MediaOutbox.InsertManyAsync(session, changes.Select(MediaOutboxDocument.From), cancellationToken: cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="work"/> in a transaction; the driver retries it on transient errors (write conflicts).</summary>
    public async Task<T> WriteAsync<T>(Func<IClientSessionHandle, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var session = await Client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync(work,
            new TransactionOptions(readConcern: ReadConcern.Snapshot, writeConcern: WriteConcern.WMajority),
            cancellationToken);
    }

    /// <summary>
    /// The one place MongoDB allocates a seq: every append takes the conversation's next seq and version (one <c>$inc</c>,
    /// read back with ReturnDocument.After), stores the message, moves the sender's read marker to it and announces its
    /// attachments to the outbox, as <see cref="SqliteAppender"/> does; the caller's transaction holds the conversation
    /// document from here to commit.
    /// </summary>
    public async Task<ChatMessage> AppendAsync(
        IClientSessionHandle session,
        long conversationId,
        long senderId,
        string clientMessageId,
        string kind,
        string text,
        IReadOnlyList<long> media,
        SystemEvent? system,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var counters = await Conversations.FindOneAndUpdateAsync(session,
            Builders<ConversationDocument>.Filter.Eq(c => c.Id, conversationId),
            Builders<ConversationDocument>.Update.Inc(c => c.LastSeq, 1L).Inc(c => c.LastVersion, 1L).Set(c => c.UpdatedAt, nowMs),
            new FindOneAndUpdateOptions<ConversationDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken)
            ?? throw new InvalidOperationException($"Conversation {conversationId} vanished inside its own transaction.");

        var stored = AppendRules.Stored(conversationId, counters.LastSeq, counters.LastVersion, senderId, clientMessageId, kind, text, media, system, now);
        await Messages.InsertOneAsync(session, MessageDocument.From(stored), cancellationToken: cancellationToken);
        // What you sent you have read: the sender's own marker moves to the message (a non-member has none).
        await Conversations.UpdateOneAsync(session,
            Builders<ConversationDocument>.Filter.Eq(c => c.Id, conversationId)
                & Builders<ConversationDocument>.Filter.ElemMatch(c => c.Members, m => m.UserId == senderId),
            Builders<ConversationDocument>.Update.Max("members.$.lastReadSeq", counters.LastSeq),
            cancellationToken: cancellationToken);
        await AddToMediaOutboxAsync(session, AppendRules.Attachments(stored), cancellationToken);
        return stored;
    }

    /// <summary>A system message recording a membership or title change, appended in the caller's transaction.</summary>
    public Task<ChatMessage> AppendSystemAsync(
        IClientSessionHandle session, long conversationId, SystemEvent system, DateTimeOffset now, CancellationToken cancellationToken) =>
        AppendAsync(session, conversationId, system.ActorId, $"system-{Guid.NewGuid():N}", MessageKinds.System, string.Empty, [], system, now,
            cancellationToken);

    public sealed class ConversationDocument
    {
        [BsonId]
        public long Id { get; set; }

        [BsonElement("kind")]
        public string Kind { get; set; } = ConversationKinds.Direct;

        [BsonElement("title")]
        [BsonIgnoreIfNull]
        public string? Title { get; set; }

        [BsonElement("ownerId")]
        [BsonIgnoreIfNull]
        public long? OwnerId { get; set; }

        /// <summary>"smaller:larger" user id for a direct conversation; absent for a group (the unique index is sparse).</summary>
        [BsonElement("directKey")]
        [BsonIgnoreIfNull]
        public string? DirectKey { get; set; }

        [BsonElement("lastSeq")]
        public long LastSeq { get; set; }

        [BsonElement("lastVersion")]
        public long LastVersion { get; set; }

        [BsonElement("createdAt")]
        public long CreatedAt { get; set; }

        [BsonElement("updatedAt")]
        public long UpdatedAt { get; set; }

        [BsonElement("members")]
        public List<MemberDocument> Members { get; set; } = [];

        public bool HasMember(long userId) => Members.Exists(m => m.UserId == userId);

        /// <summary>Members in joining order, as SQLite reads them, so "the longest-standing member" means the same.</summary>
        public Conversation ToConversation() => new(
            Id,
            Kind,
            Title,
            OwnerId,
            Members.OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId).Select(m => new ConversationMember(m.UserId, m.LastReadSeq)).ToList(),
            LastSeq,
            LastVersion,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt));
    }

    public sealed class MemberDocument
    {
        [BsonElement("userId")]
        public long UserId { get; set; }

        [BsonElement("lastReadSeq")]
        public long LastReadSeq { get; set; }

        [BsonElement("joinedAt")]
        public long JoinedAt { get; set; }
    }

    public sealed class MessageDocument
    {
        [BsonId]
        public ObjectId Id { get; set; }

        [BsonElement("conversationId")]
        public long ConversationId { get; set; }

        [BsonElement("seq")]
        public long Seq { get; set; }

        [BsonElement("senderId")]
        public long SenderId { get; set; }

        [BsonElement("clientMessageId")]
        public string ClientMessageId { get; set; } = "";

        [BsonElement("kind")]
        public string Kind { get; set; } = MessageKinds.Text;

        [BsonElement("text")]
        public string Text { get; set; } = "";

        [BsonElement("media")]
        public List<long> Media { get; set; } = [];

        [BsonElement("system")]
        [BsonIgnoreIfNull]
        public SystemDocument? System { get; set; }

        [BsonElement("createdAt")]
        public long CreatedAt { get; set; }

        [BsonElement("editedAt")]
        public long? EditedAt { get; set; }

        [BsonElement("deletedAt")]
        public long? DeletedAt { get; set; }

        [BsonElement("version")]
        public long Version { get; set; }

        public static MessageDocument From(ChatMessage message) => new()
        {
            ConversationId = message.ConversationId,
            Seq = message.Seq,
            SenderId = message.SenderId,
            ClientMessageId = message.ClientMessageId,
            Kind = message.Kind,
            Text = message.Text,
            Media = [.. message.Media],
            System = message.System is null ? null : SystemDocument.From(message.System),
            CreatedAt = message.CreatedAt.ToUnixTimeMilliseconds(),
            EditedAt = message.EditedAt?.ToUnixTimeMilliseconds(),
            DeletedAt = message.DeletedAt?.ToUnixTimeMilliseconds(),
            Version = message.Version,
        };

        public ChatMessage ToMessage() => new(
            ConversationId,
            Seq,
            SenderId,
            ClientMessageId,
            Kind,
            Text,
            Media.ToArray(),
            System?.ToEvent(),
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
            EditedAt is { } edited ? DateTimeOffset.FromUnixTimeMilliseconds(edited) : null,
            DeletedAt is { } deleted ? DateTimeOffset.FromUnixTimeMilliseconds(deleted) : null,
            Version);
    }

    public sealed class MediaOutboxDocument
    {
        [BsonId]
        public ObjectId Id { get; set; }

        [BsonElement("mediaId")]
        public long MediaId { get; set; }

        [BsonElement("conversationId")]
        public long ConversationId { get; set; }

        [BsonElement("seq")]
        public long Seq { get; set; }

        [BsonElement("attached")]
        public bool Attached { get; set; }

        public static MediaOutboxDocument From(MediaReferenceChange change) => new()
        {
            Id = ObjectId.GenerateNewId(),
            MediaId = change.MediaId,
            ConversationId = change.ConversationId,
            Seq = change.Seq,
            Attached = change.Attached,
        };

        public MediaReferenceChange ToChange() => new(MediaId, ConversationId, Seq, Attached);
    }

    public sealed class SystemDocument
    {
        [BsonElement("event")]
        public string Event { get; set; } = "";

        [BsonElement("actorId")]
        public long ActorId { get; set; }

        [BsonElement("userIds")]
        public List<long> UserIds { get; set; } = [];

        [BsonElement("title")]
        [BsonIgnoreIfNull]
        public string? Title { get; set; }

        public static SystemDocument From(SystemEvent system) =>
            new() { Event = system.Event, ActorId = system.ActorId, UserIds = [.. system.UserIds], Title = system.Title };

        public SystemEvent ToEvent() => new(Event, ActorId, UserIds.ToArray(), Title);
    }
}
