using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Testing;

/// <summary>
/// A Chat service in a test server: its own temporary data directory, the shared internal key, and outgoing
/// service calls routed to the other services' test servers.
/// </summary>
public class ChatServiceFactory<TEntryPoint> : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    public const string InternalKey = "test-internal-key-0123456789abcdef0123456789abcdef";

    private readonly ServiceRouter _router;
    private readonly Dictionary<string, string?> _settings;

    public ChatServiceFactory(ServiceRouter router, IDictionary<string, string?>? settings = null)
    {
        _router = router;
        DataDirectory = Directory.CreateTempSubdirectory("chat-test-").FullName;
        _settings = new Dictionary<string, string?>
        {
            ["Chat:Internal:Key"] = InternalKey,
            ["Identity:DataDirectory"] = DataDirectory,
            ["Messaging:DataDirectory"] = DataDirectory,
            ["Media:DataDirectory"] = DataDirectory,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string DataDirectory { get; }

    /// <summary>A client of this service, signed in as <paramref name="user"/> (anonymous when null).</summary>
    public HttpClient ClientFor(TestUser? user)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = user?.Authorization;
        return client;
    }

    /// <summary>A client of this service's internal API, as another service calls it.</summary>
    public HttpClient InternalClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Chat-Internal-Key", InternalKey);
        return client;
    }

    /// <summary>Replaces services before the host starts (a fake clock, say).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
            services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(_router.CreateHandler)));
        if (TestServices is not null)
        {
            builder.ConfigureTestServices(TestServices);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may still hold a pooled handle; the temp directory is cleaned by the OS eventually.
            }
        }
    }
}
