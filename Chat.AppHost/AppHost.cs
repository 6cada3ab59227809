using System.Globalization;
using Chat.AppHost;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// Stores: Chat:Mode = embedded (Garnet, SQLite, a directory) or containers (Redis, MongoDB, MinIO); connection strings
// point any role at an engine that already runs elsewhere. SQLite files and blobs not moved live in the data directory.
var stores = builder.AddStores();
var redis = stores.Redis;
var dataDirectory = builder.GetDataDirectory();
var internalKey = builder.AddParameter("internal-key", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true);
var maxUploadBytes = builder.Configuration.GetValue("Media:MaxUploadBytes", 25L * 1024 * 1024);

// Services, each with its own store.
var identity = builder.AddService<Projects.Chat_Identity>("identity")
    .WithEnvironment("Identity__DataDirectory", Path.Combine(dataDirectory, "identity"))
    // Identity serves the session revocation feed on an internal route.
    .WithEnvironment("Chat__Internal__Key", internalKey)
    .WithDocuments(stores);

var presence = builder.AddService<Projects.Chat_Presence>("presence")
    .WithSettingFromAppHost(builder.Configuration, "Presence:HeartbeatTimeout")
    .WithEnvironment("Chat__Internal__Key", internalKey)
    .WithRedis(redis)
    .WithServiceReference(identity);

var messaging = builder.AddService<Projects.Chat_Messaging>("messaging", replicas: builder.Configuration.GetValue("Messaging:Replicas", 1))
    .WithEnvironment("Messaging__DataDirectory", Path.Combine(dataDirectory, "messaging"))
    .WithSettingFromAppHost(builder.Configuration, "Messaging:RetentionDays")
    .WithSettingFromAppHost(builder.Configuration, "Messaging:Presence:HeartbeatInterval")
    .WithSectionFromAppHost(builder.Configuration, "Messaging:RateLimits")
    .WithEnvironment("Chat__Internal__Key", internalKey)
    .WithRedis(redis)
    .WithDocuments(stores)
    .WithServiceReference(identity)
    .WithServiceReference(presence);

var media = builder.AddService<Projects.Chat_Media>("media")
    .WithEnvironment("Media__DataDirectory", Path.Combine(dataDirectory, "media"))
    .WithEnvironment("Media__MaxUploadBytes", maxUploadBytes.ToString(CultureInfo.InvariantCulture))
    .WithSectionFromAppHost(builder.Configuration, "Media:RateLimits")
    .WithEnvironment("Chat__Internal__Key", internalKey)
    .WithDocuments(stores)
    .WithBlobs(stores)
    .WithServiceReference(identity)
    .WithServiceReference(messaging);

// Start-up goes one way (Identity, Presence, Messaging, Media, the gateway); these calls go back against it.
identity.WithReferenceToLaterService(messaging, because: "tells Messaging of blocks; a block answers 503 until Messaging is up");
presence.WithReferenceToLaterService(messaging, because: "asks whom a user shares conversations with, for who may see whose presence");
messaging.WithReferenceToLaterService(media, because: "checks attachments at send and delivers attachment changes from its outbox");

// The one origin the browser talks to.
builder.AddService<Projects.Chat_Gateway>("gateway", port: builder.Configuration.GetValue("Gateway:Port", 5080))
    .WithExternalHttpEndpoints()
    .WithMediaUploadLimit(maxUploadBytes)
    .WithServiceReference(identity)
    .WithServiceReference(messaging)
    .WithServiceReference(presence)
    .WithServiceReference(media);

builder.Build().Run();
