using System.Text.Json;
using Chat.Identity.Users;
using Chat.Media.Storage;
using Chat.Messaging.Storage;
using Chat.Mongo;
using Chat.Sqlite;
using MongoDB.Driver;
using IdentityBlocks = Chat.Identity.Users.IBlockStore;
using MessagingBlocks = Chat.Messaging.Storage.IBlockStore;

namespace Chat.Admin.Tests;

/// <summary>The services' real stores over one deployment, on SQLite files or MongoDB: what every contract read goes through.</summary>
internal sealed record DeploymentReaders(
    IUserStore Users,
    IdentityBlocks IdentityBlocks,
    IConversationStore Conversations,
    IMessageStore Messages,
    MessagingBlocks MessagingBlocks,
    IMediaStore Media,
    IBlobStore Blobs) : IDisposable
{
    /// <summary>The stores as the services open them under <c>Chat:DataDirectory</c> (the AppHost's layout).</summary>
    public static DeploymentReaders OpenSqlite(string dataDirectory)
    {
        var time = TimeProvider.System;
        var identity = new SqliteDatabase(Path.Combine(dataDirectory, "identity", "identity.db"));
        var messaging = new MessagingDatabase(Path.Combine(dataDirectory, "messaging", "messaging.db"));
        var media = new SqliteDatabase(Path.Combine(dataDirectory, "media", "media.db"));
        return new DeploymentReaders(
            new SqliteUserStore(identity, time),
            new Chat.Identity.Users.SqliteBlockStore(identity, time),
            new SqliteConversationStore(messaging, time),
            new SqliteMessageStore(messaging, time),
            new Chat.Messaging.Storage.SqliteBlockStore(messaging),
            new SqliteMediaStore(media, time),
            new FileSystemBlobStore(Path.Combine(dataDirectory, "media", "blobs")));
    }

    /// <summary>The stores as the services open them when the connection string names one database for all three.</summary>
    public static DeploymentReaders OpenMongo(IMongoClient client, string databaseName, string blobDirectory)
    {
        var time = TimeProvider.System;
        var database = client.GetDatabase(databaseName);
        var messaging = new MongoMessagingDatabase(client, database, new MongoIdSequences(database));
        return new DeploymentReaders(
            new MongoUserStore(database, new MongoIdSequences(database), time),
            new Chat.Identity.Users.MongoBlockStore(database, time),
            new MongoConversationStore(messaging, time),
            new MongoMessageStore(messaging, time),
            new Chat.Messaging.Storage.MongoBlockStore(messaging),
            new MongoMediaStore(client, database, time),
            new FileSystemBlobStore(blobDirectory));
    }

    /// <summary>
    /// Every contract read of the sample's people, conversations and media, as one JSON document: two deployments that
    /// answer alike give equal text, and the first difference shows where they part.
    /// </summary>
    public async Task<string> SnapshotAsync(SampleDeployment sample)
    {
        var ct = CancellationToken.None;
        var reads = new List<object?>();
        foreach (var (userId, username) in sample.Users)
        {
            reads.Add(new { userId, user = await Users.FindByIdAsync(userId, ct) });
            reads.Add(new { userId, credentials = await Users.FindCredentialsByIdAsync(userId, ct) });
            reads.Add(new { username, byName = await Users.FindCredentialsAsync(username.ToUpperInvariant(), ct) });
            reads.Add(new { userId, groupAdds = await Users.FindGroupAddsAsync(userId, ct) });
            reads.Add(new { userId, blocks = await IdentityBlocks.ListAsync(userId, ct) });
            reads.Add(new { userId, blockedEitherWay = (await MessagingBlocks.BlockedEitherWayAsync(userId, ct)).Order() });
            reads.Add(new { userId, contacts = (await Conversations.ListContactsAsync(userId, ct)).Order() });
            var conversations = await Conversations.ListForMemberAsync(userId, ct);
            reads.Add(new { userId, conversations });
            reads.Add(new { userId, last = await Messages.GetLastMessagesAsync(conversations.Select(c => c.Id).ToList(), ct) });
            foreach (var conversation in conversations)
            {
                var id = conversation.Id;
                reads.Add(new { id, found = await Conversations.FindForMemberAsync(id, userId, ct) });
                reads.Add(new { id, newest = await Messages.GetPageAsync(id, null, null, 100, ct) });
                reads.Add(new { id, before3 = await Messages.GetPageAsync(id, 3, null, 2, ct) });
                reads.Add(new { id, after1 = await Messages.GetPageAsync(id, null, 1, 2, ct) });
                reads.Add(new { id, sync = await Messages.GetMessagesAfterAsync(id, 0, new ReadBudget(500, 2_000_000), ct) });
                reads.Add(new { id, updates = await Messages.GetUpdatesAsync(id, conversation.LastSeq, 0, new ReadBudget(500, 2_000_000), ct) });
            }
        }
        reads.Add(new { search = await Users.SearchAsync("ali", 0, 10, ct) });
        reads.Add(new { search = await Users.SearchAsync("bob", 0, 10, ct) });
        reads.Add(new { media = await Media.FindAsync(sample.MediaId, ct) });
        await using (var blob = await Blobs.OpenReadAsync(sample.BlobKey, ct))
        {
            using var bytes = new MemoryStream();
            if (blob is not null)
            {
                await blob.CopyToAsync(bytes, ct);
            }
            reads.Add(new { blob = blob is null ? null : Convert.ToHexString(bytes.ToArray()) });
        }
        return JsonSerializer.Serialize(reads, new JsonSerializerOptions { WriteIndented = true });
    }

    public void Dispose() => (Messages as IDisposable)?.Dispose();
}
