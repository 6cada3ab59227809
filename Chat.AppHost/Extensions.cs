using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

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

    /// <summary>Passes an AppHost setting (e.g. <c>--Presence:HeartbeatTimeout=00:00:10</c>) on to the service, when it is set.</summary>
    public static IResourceBuilder<ProjectResource> WithSettingFromAppHost(
        this IResourceBuilder<ProjectResource> project, IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value ? project.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value) : project;

    /// <summary>
    /// A service on one HTTP endpoint, healthy when its <c>/health</c> says so. Ports are the orchestrator's choice
    /// (none from launch settings), so a second copy of the system, such as the tests', never collides with a running one.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(this IDistributedApplicationBuilder builder, string name, int? port = null)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name, launchProfileName: null)
            .WithHttpEndpoint(port: port, name: "http")
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithHttpHealthCheck("/health");

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
