using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Chat.AppHost;

/// <summary>The Redis-protocol server every service shares, and whether the AppHost runs it.</summary>
public sealed record RedisRole(IResourceBuilder<IResourceWithConnectionString> ConnectionString, IResourceBuilder<IResource>? Server);

/// <summary>
/// Where documents and blobs live. Null <see cref="Documents"/>: each service's SQLite file; null <see cref="Blobs"/>:
/// the data directory. <see cref="Servers"/> are the containers the services wait for.
/// </summary>
public sealed record StoreEngines(
    RedisRole Redis,
    IResourceBuilder<IResourceWithConnectionString>? Documents,
    Func<IResourceBuilder<ProjectResource>, IResourceBuilder<ProjectResource>>? Blobs,
    IReadOnlyList<IResourceBuilder<IResource>> Servers);

/// <summary>A reference to a service that starts after the annotated one (it waits for it), and why it is called.</summary>
public sealed record LaterServiceAnnotation(IResource Service, string Because) : IResourceAnnotation;

internal static class Extensions
{
    public const string RedisConnectionName = "redis";
    public const string MongoConnectionName = "mongodb";
    public const string EmbeddedMode = "embedded";
    public const string ContainersMode = "containers";

    /// <summary>
    /// <c>Chat:Mode</c> = <c>embedded</c> (default: Garnet, SQLite, a directory; no container runtime) or <c>containers</c>
    /// (Redis, MongoDB and MinIO containers). Either way, <c>ConnectionStrings:redis</c>, <c>ConnectionStrings:mongodb</c> and
    /// <c>Media:Blobs:*</c> point a role at an engine that already runs elsewhere, and no container is declared for it.
    /// </summary>
    public static StoreEngines AddStores(this IDistributedApplicationBuilder builder)
    {
        var mode = builder.Configuration["Chat:Mode"] ?? EmbeddedMode;
        if (mode is not (EmbeddedMode or ContainersMode))
        {
            throw new InvalidOperationException($"Chat:Mode is '{EmbeddedMode}' or '{ContainersMode}', not '{mode}'.");
        }
        var containers = mode == ContainersMode;
        var servers = new List<IResourceBuilder<IResource>>();

        var redis = builder.AddRedisRole(containers);

        IResourceBuilder<IResourceWithConnectionString>? documents = null;
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(MongoConnectionName)))
        {
            documents = builder.AddConnectionString(MongoConnectionName);
        }
        else if (containers)
        {
            var (connectionString, server) = builder.AddMongoContainer();
            documents = connectionString;
            servers.Add(server);
        }

        Func<IResourceBuilder<ProjectResource>, IResourceBuilder<ProjectResource>>? blobs = null;
        if (builder.Configuration["Media:Blobs:Engine"] == "s3")
        {
            blobs = media => S3Settings.Aggregate(media, (project, key) => project.WithSettingFromAppHost(builder.Configuration, key));
        }
        else if (containers)
        {
            var minio = builder.AddMinioContainer(out var configure);
            blobs = configure;
            servers.Add(minio);
        }
        return new StoreEngines(redis, documents, blobs, servers);
    }

    private static readonly string[] S3Settings =
    [
        "Media:Blobs:Engine", "Media:Blobs:S3:ServiceUrl", "Media:Blobs:S3:Bucket", "Media:Blobs:S3:AccessKey", "Media:Blobs:S3:SecretKey",
        "Media:Blobs:S3:Region", "Media:Blobs:S3:CreateBucket",
    ];

    /// <summary>
    /// Garnet, run by the AppHost as its own process (no container runtime needed), unless <c>ConnectionStrings:redis</c>
    /// names a real Redis to scale out on, or the containers mode asks for a Redis container.
    /// </summary>
    public static RedisRole AddRedisRole(this IDistributedApplicationBuilder builder, bool container)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RedisConnectionName)))
        {
            return new RedisRole(builder.AddConnectionString(RedisConnectionName), null);
        }
        if (container)
        {
            var redis = builder.AddRedis(RedisConnectionName);
            return new RedisRole(redis, redis);
        }

        // Generated per run and handed only to the services that reference the role; Garnet refuses connections without it.
        var password = builder.AddParameter("redis-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
        var garnet = builder.AddProject<Projects.Chat_Garnet>("garnet")
            .WithEndpoint(port: FreeLoopbackPort(), scheme: "tcp", name: "tcp", env: "GARNET_PORT", isProxied: false)
            .WithEnvironment("GARNET_PASSWORD", password);
        var endpoint = garnet.GetEndpoint("tcp");
        var connectionString = builder.AddConnectionString(RedisConnectionName,
            ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.HostAndPort)},password={password},abortConnect=false"));
        return new RedisRole(connectionString, garnet);
    }

    /// <summary>
    /// MongoDB 7 as a single-node replica set (the stores use transactions, which need one). Aspire.Hosting.MongoDB is
    /// not available here, so it is a plain container: mongod starts with --replSet and initiates the set on first start.
    /// </summary>
    private static (IResourceBuilder<IResourceWithConnectionString> ConnectionString, IResourceBuilder<IResource> Server) AddMongoContainer(
        this IDistributedApplicationBuilder builder)
    {
        const string initiate = """
            mongod --replSet rs0 --bind_ip_all &
            until mongosh --quiet --eval 'db.runCommand({ ping: 1 })' >/dev/null 2>&1; do sleep 1; done
            mongosh --quiet --eval 'try { rs.status() } catch (e) { rs.initiate({ _id: "rs0", members: [{ _id: 0, host: "localhost:27017" }] }) }'
            wait
            """;
        var mongo = builder.AddContainer("mongo", "mongo", "7")
            .WithEntrypoint("bash")
            .WithArgs("-c", initiate)
            .WithVolume("chat-mongo-data", "/data/db")
            .WithEndpoint(targetPort: 27017, name: "tcp", scheme: "tcp");
        var endpoint = mongo.GetEndpoint("tcp");
        // directConnection: the set names its member localhost:27017, which is the container's view, not the host's.
        var connectionString = builder.AddConnectionString(MongoConnectionName,
            ReferenceExpression.Create($"mongodb://{endpoint.Property(EndpointProperty.HostAndPort)}/?replicaSet=rs0&directConnection=true"));
        return (connectionString, mongo);
    }

    /// <summary>MinIO with generated root credentials; <paramref name="configureMedia"/> points Media's S3 blob store at it.</summary>
    private static IResourceBuilder<IResource> AddMinioContainer(
        this IDistributedApplicationBuilder builder, out Func<IResourceBuilder<ProjectResource>, IResourceBuilder<ProjectResource>> configureMedia)
    {
        var user = builder.AddParameter("minio-user", "chat-media");
        var password = builder.AddParameter("minio-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
        var minio = builder.AddContainer("minio", "minio/minio", "latest")
            .WithArgs("server", "/data")
            .WithEnvironment("MINIO_ROOT_USER", user)
            .WithEnvironment("MINIO_ROOT_PASSWORD", password)
            .WithVolume("chat-minio-data", "/data")
            .WithHttpEndpoint(targetPort: 9000, name: "api")
            .WithHttpHealthCheck("/minio/health/live", endpointName: "api");
        var endpoint = minio.GetEndpoint("api");
        configureMedia = media => media
            .WithEnvironment("Media__Blobs__Engine", "s3")
            .WithEnvironment("Media__Blobs__S3__ServiceUrl", endpoint)
            .WithEnvironment("Media__Blobs__S3__AccessKey", user)
            .WithEnvironment("Media__Blobs__S3__SecretKey", password);
        return minio;
    }

    /// <summary>MongoDB for the service's documents when one is configured; otherwise it keeps its SQLite file.</summary>
    public static IResourceBuilder<ProjectResource> WithDocuments(this IResourceBuilder<ProjectResource> project, StoreEngines stores)
    {
        if (stores.Documents is not null)
        {
            project.WithReference(stores.Documents);
        }
        foreach (var server in stores.Servers)
        {
            project.WaitFor(server);
        }
        return project;
    }

    /// <summary>S3 / MinIO for Media's blobs when configured; otherwise the data directory.</summary>
    public static IResourceBuilder<ProjectResource> WithBlobs(this IResourceBuilder<ProjectResource> media, StoreEngines stores) =>
        stores.Blobs is null ? media : stores.Blobs(media);

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

    /// <summary>Passes every AppHost setting under <paramref name="section"/> (e.g. <c>--Messaging:RateLimits:Send:Burst=100</c>) on to the service.</summary>
    public static IResourceBuilder<ProjectResource> WithSectionFromAppHost(
        this IResourceBuilder<ProjectResource> project, IConfiguration configuration, string section)
    {
        foreach (var (key, value) in configuration.GetSection(section).AsEnumerable())
        {
            if (!string.IsNullOrEmpty(value))
            {
                project.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }
        return project;
    }

    /// <summary>
    /// A service on one HTTP endpoint, healthy when its <c>/health</c> says so. Ports are the orchestrator's choice
    /// (none from launch settings), so a second copy of the system, such as the tests', never collides with a running one.
    /// The endpoint is not proxied: callers reach the service's own socket, not a relay in the orchestrator that would copy
    /// every byte (every WebSocket frame twice over) on the way. Only a service with several replicas is proxied
    /// (<paramref name="replicas"/> &gt; 1): the orchestrator's proxy is what spreads connections over them.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(
        this IDistributedApplicationBuilder builder, string name, int? port = null, int replicas = 1)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name, launchProfileName: null)
            .WithHttpEndpoint(port: replicas > 1 ? port : port ?? FreeLoopbackPort(), name: "http", isProxied: replicas > 1)
            .WithReplicas(replicas)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithHttpHealthCheck("/health")
            .WithTelemetryBudget(builder.Configuration);

    /// <summary>
    /// Telemetry that costs little: metrics exported every 10 s instead of the development default of every second
    /// (<c>Chat:Telemetry:MetricExportInterval</c>), and traces sampled by rate (<c>Chat:Telemetry:MaxTracesPerSecond</c>,
    /// see the services' <c>TelemetryOptions</c>). Both are set after Aspire's own OTLP settings, so they win.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithTelemetryBudget(this IResourceBuilder<ProjectResource> project, IConfiguration configuration)
    {
        var interval = configuration.GetValue("Chat:Telemetry:MetricExportInterval", TimeSpan.FromSeconds(10));
        return project
            .WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", ((long)interval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithSettingFromAppHost(configuration, "Chat:Telemetry:MaxTracesPerSecond");
    }

    /// <summary>
    /// The gateway's own body limit on the media route: Media's upload limit plus room for the multipart framing, so
    /// Media, not the gateway, is the one that answers 413 with its ProblemDetails.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithMediaUploadLimit(this IResourceBuilder<ProjectResource> gateway, long maxUploadBytes) =>
        gateway.WithEnvironment("ReverseProxy__Routes__media__MaxRequestBodySize",
            (maxUploadBytes + 2 * 64 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// A port free right now on the loopback interface, for an endpoint the orchestrator does not proxy: its own
    /// choice is the same sequence for every copy of the system, so two copies (a running one and the tests') would
    /// collide; the operating system's choice does not.
    /// </summary>
    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Service discovery to a service that starts after this one because it waits for this one: calls go both ways, start-up
    /// goes one way. Until <paramref name="service"/> is up, a request that needs it answers 503 <c>service-unavailable</c>
    /// (<c>PeerUnavailableHandler</c>) and queued work waits (Messaging's media outbox); <paramref name="because"/> says what the call is for.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithReferenceToLaterService(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<ProjectResource> service, string because) =>
        project.WithReference(service).WithAnnotation(new LaterServiceAnnotation(service.Resource, because));

    /// <summary>Service discovery to another service, started only once that one is up.</summary>
    public static IResourceBuilder<ProjectResource> WithServiceReference(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<ProjectResource> service) =>
        project.WithReference(service).WaitFor(service);
}
