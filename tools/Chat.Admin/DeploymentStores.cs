using Chat.Identity.Users;
using Chat.Media.Storage;
using Chat.Messaging.Storage;
using Chat.Mongo;
using Chat.Sqlite;
using Microsoft.Data.Sqlite;
using MongoDB.Driver;

namespace Chat.Admin;

/// <summary>
/// The archives of one deployment, on the engines <see cref="DeploymentSettings"/> names, opened as the services open
/// their stores (same files, same database names, same blob store).
/// </summary>
public sealed class DeploymentStores : IDisposable
{
    private DeploymentStores(IIdentityArchive identity, IMessagingArchive messaging, IMediaArchive media, IBlobStore blobs, string? blobDirectory)
    {
        Identity = identity;
        Messaging = messaging;
        Media = media;
        Blobs = blobs;
        BlobDirectory = blobDirectory;
    }

    public IIdentityArchive Identity { get; }

    public IMessagingArchive Messaging { get; }

    public IMediaArchive Media { get; }

    public IBlobStore Blobs { get; }

    /// <summary>The blob directory, or null when blobs live in S3.</summary>
    public string? BlobDirectory { get; }

    /// <param name="existing">An export: every SQLite file must be there already (a missing one is a wrong directory, not an empty deployment).</param>
    public static DeploymentStores Open(DeploymentSettings settings, bool existing)
    {
        IIdentityArchive identity;
        IMessagingArchive messaging;
        IMediaArchive media;
        if (settings.MongoConnectionString is { } connectionString)
        {
            // As MongoRegistration does for each service: the database named in the URL, else the service's own.
            var url = MongoUrl.Create(connectionString);
            var client = new MongoClient(url);
            IMongoDatabase DatabaseOf(string name) => client.GetDatabase(url.DatabaseName ?? name);
            identity = new MongoIdentityArchive(DatabaseOf("chat-identity"));
            var messagingDatabase = DatabaseOf("chat-messaging");
            messaging = new MongoMessagingArchive(new MongoMessagingDatabase(client, messagingDatabase, new MongoIdSequences(messagingDatabase)));
            media = new MongoMediaArchive(client, DatabaseOf("chat-media"));
        }
        else
        {
            if (existing)
            {
                foreach (var path in new[] { settings.IdentityDatabase, settings.MessagingDatabase, settings.MediaDatabase }.Where(p => !File.Exists(p)))
                {
                    throw new AdminException($"There is no {path}: set Chat:DataDirectory (or the service's *:DataDirectory) to the deployment's data directory.");
                }
            }
            identity = new SqliteIdentityArchive(new SqliteDatabase(settings.IdentityDatabase));
            messaging = new SqliteMessagingArchive(new MessagingDatabase(settings.MessagingDatabase));
            media = new SqliteMediaArchive(new SqliteDatabase(settings.MediaDatabase));
        }
        return settings.Blobs.Engine == BlobStoreOptions.S3Engine
            ? new DeploymentStores(identity, messaging, media, new S3BlobStore(settings.Blobs.S3), null)
            : new DeploymentStores(identity, messaging, media, new FileSystemBlobStore(settings.BlobDirectory), settings.BlobDirectory);
    }

    public void Dispose()
    {
        (Blobs as IDisposable)?.Dispose();
        // The files are closed when the command ends, so another process (a service starting) finds no connection of ours.
        SqliteConnection.ClearAllPools();
    }
}
