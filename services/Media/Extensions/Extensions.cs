using Chat.Media.Apis;
using Chat.Media.Images;
using Chat.Media.Signing;
using Chat.Media.Storage;
using Chat.Sqlite;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chat.Media.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MediaOptions>()
            .BindConfiguration(MediaOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddInternalApiKey();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IMediaStore>(sp => new SqliteMediaStore(
            new SqliteDatabase(Path.Combine(sp.GetRequiredService<IOptions<MediaOptions>>().Value.DataDirectory, "media.db")),
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IBlobStore>(sp =>
            new FileSystemBlobStore(Path.Combine(sp.GetRequiredService<IOptions<MediaOptions>>().Value.DataDirectory, "blobs")));
        builder.Services.AddSingleton<BlobReferenceLock>();
        builder.Services.AddSingleton<ImageThumbnailer>();
        builder.Services.AddSingleton<MediaUploader>();
        builder.Services.AddSingleton<SignedMediaUrls>();
        SignedUrlAuthenticationHandler.AddTo(builder.Services);

        builder.Services.AddMemoryCache(cache => cache.SizeLimit = 100_000);
        builder.Services.AddHttpClient<ConversationAccess>(http => http.BaseAddress = new Uri("http://messaging"));

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, MediaJsonContext.Default);
            // Width, height and thumbnailUrl are absent, not null, for a file that is not an image.
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
    }
}
