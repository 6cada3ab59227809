using Chat.Presence.Apis;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chat.Presence.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPublicApiDocument("Chat Presence", "Online, away, offline and last seen of the users the caller shares a conversation with.");
        builder.Services.AddOptions<PresenceOptions>()
            .BindConfiguration(PresenceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.AddInternalApiKey();
        // Redis commands are not traced: a heartbeat of every connection would be thousands of spans.
        builder.AddRedisClient("redis", redis => redis.DisableTracing = true);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PresenceTracker>();
        builder.Services.AddMemoryCache();
        builder.Services.AddHttpClient(ContactDirectory.HttpClientName, http => http.BaseAddress = new Uri("http://messaging")).AddInternalApiKey();
        builder.Services.AddSingleton<ContactDirectory>();
        builder.Services.AddHostedService<PresenceSweeper>();
        builder.Services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, PresenceJsonContext.Default));
    }
}
