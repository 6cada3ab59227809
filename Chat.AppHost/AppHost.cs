using System.Globalization;
using Chat.AppHost;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// Stores: the Redis role (Garnet unless a Redis connection string is configured) and the data directory.
var redis = builder.AddRedisRole();
var dataDirectory = builder.GetDataDirectory();
var internalKey = builder.AddParameter("internal-key", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true);
var maxUploadBytes = builder.Configuration.GetValue("Media:MaxUploadBytes", 25L * 1024 * 1024);

// Services, each with its own store.
var identity = builder.AddProject<Projects.Chat_Identity>("identity")
    .WithHttpHealthCheck("/health")
    .WithEnvironment("Identity__DataDirectory", Path.Combine(dataDirectory, "identity"));

var messaging = builder.AddProject<Projects.Chat_Messaging>("messaging")
    .WithReplicas(builder.Configuration.GetValue("Messaging:Replicas", 1))
    .WithHttpHealthCheck("/health")
    .WithEnvironment("Messaging__DataDirectory", Path.Combine(dataDirectory, "messaging"))
    .WithEnvironment("Chat__Internal__Key", internalKey)
    .WithRedis(redis)
    .WithServiceReference(identity);

var presence = builder.AddProject<Projects.Chat_Presence>("presence")
    .WithHttpHealthCheck("/health")
    .WithEnvironment("Chat__Internal__Key", internalKey)
    .WithRedis(redis)
    .WithServiceReference(identity);
messaging.WithServiceReference(presence);

var media = builder.AddProject<Projects.Chat_Media>("media")
    .WithHttpHealthCheck("/health")
    .WithEnvironment("Media__DataDirectory", Path.Combine(dataDirectory, "media"))
    .WithEnvironment("Media__MaxUploadBytes", maxUploadBytes.ToString(CultureInfo.InvariantCulture))
    .WithEnvironment("Chat__Internal__Key", internalKey)
    .WithServiceReference(identity)
    .WithServiceReference(messaging);

// The one origin the browser talks to.
builder.AddProject<Projects.Chat_Gateway>("gateway")
    .WithHttpHealthCheck("/health")
    .WithEndpoint("http", endpoint => endpoint.Port = builder.Configuration.GetValue("Gateway:Port", 5080))
    .WithExternalHttpEndpoints()
    .WithMediaUploadLimit(maxUploadBytes)
    .WithServiceReference(identity)
    .WithServiceReference(messaging)
    .WithServiceReference(presence)
    .WithServiceReference(media);

builder.Build().Run();
