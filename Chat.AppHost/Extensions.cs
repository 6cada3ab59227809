using Microsoft.Extensions.Configuration;

namespace Chat.AppHost;

/// <summary>The Redis-protocol server every service shares, and whether the AppHost runs it.</summary>
public sealed record RedisRole(IResourceBuilder<IResourceWithConnectionString> ConnectionString, IResourceBuilder<IResource>? Server);

internal static class Extensions
{
    public const string RedisConnectionName = "redis";

    /// <summary>
    /// Garnet, run by the AppHost as its own process (no container runtime needed), unless
    /// <c>ConnectionStrings:redis</c> names a real Redis to scale out on.
    /// </summary>
    public static RedisRole AddRedisRole(this IDistributedApplicationBuilder builder)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RedisConnectionName)))
        {
            return new RedisRole(builder.AddConnectionString(RedisConnectionName), null);
        }

        var garnet = builder.AddProject<Projects.Chat_Garnet>("garnet")
            .WithEndpoint(scheme: "tcp", name: "tcp", env: "GARNET_PORT");
        var endpoint = garnet.GetEndpoint("tcp");
        var connectionString = builder.AddConnectionString(RedisConnectionName,
            ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.HostAndPort)},abortConnect=false"));
        return new RedisRole(connectionString, garnet);
    }

    /// <summary>Where the services' SQLite files and blobs live: <c>Chat:DataDirectory</c>, else .data beside the solution.</summary>
    public static string GetDataDirectory(this IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(builder.Configuration["Chat:DataDirectory"] ?? Path.Combine(builder.AppHostDirectory, "..", ".data"));

    public static IResourceBuilder<ProjectResource> WithRedis(this IResourceBuilder<ProjectResource> project, RedisRole redis)
    {
        project.WithReference(redis.ConnectionString);
        return redis.Server is null ? project : project.WaitFor(redis.Server);
    }

    /// <summary>
    /// The gateway's own body limit on the media route: Media's upload limit plus room for the multipart framing, so
    /// Media, not the gateway, is the one that answers 413 with its ProblemDetails.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithMediaUploadLimit(this IResourceBuilder<ProjectResource> gateway, long maxUploadBytes) =>
        gateway.WithEnvironment("ReverseProxy__Routes__media__MaxRequestBodySize",
            (maxUploadBytes + 2 * 64 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Service discovery to another service, started only once that one is up.</summary>
    public static IResourceBuilder<ProjectResource> WithServiceReference(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<ProjectResource> service) =>
        project.WithReference(service).WaitFor(service);
}
