using Chat.Media.Apis;
using Chat.Media.Images;
using Chat.Media.Signing;
using Chat.Media.Storage;
using Chat.Mongo;
using Chat.Sqlite;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chat.Media.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPublicApiDocument("Chat Media", "Uploads (type from the bytes, size-limited) and downloads for conversation members, by bearer token or signed URL.");
        builder.Services.AddOptions<MediaOptions>()
            .BindConfiguration(MediaOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddInternalApiKey();
        builder.Services.AddOptions<MediaRateLimitOptions>()
            .BindConfiguration(MediaRateLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddUserRateLimits<MediaRateLimitOptions>((MediaRateLimitOptions.UploadPolicy, limits => limits.Uploads));

        builder.Services.TryAddSingleton(TimeProvider.System);
        // ConnectionStrings:mongodb moves media metadata to MongoDB; without it it stays in media.db.
        if (builder.AddMongoDatabaseIfConfigured("chat-media"))
        {
            builder.Services.AddSingleton<IMediaStore, MongoMediaStore>();
        }
        else
        {
            builder.Services.AddSingleton<IMediaStore>(sp => new SqliteMediaStore(
                new SqliteDatabase(Path.Combine(sp.GetRequiredService<IOptions<MediaOptions>>().Value.DataDirectory, "media.db")),
                sp.GetRequiredService<TimeProvider>()));
        }

        // Media:Blobs:Engine picks the blob store: the data directory (default) or S3 / MinIO.
        builder.Services.AddOptions<BlobStoreOptions>()
            .BindConfiguration(BlobStoreOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<IOptions<BlobStoreOptions>>().Value switch
        {
            { Engine: BlobStoreOptions.S3Engine } blobs => new S3BlobStore(blobs.S3),
            _ => new FileSystemBlobStore(Path.Combine(sp.GetRequiredService<IOptions<MediaOptions>>().Value.DataDirectory, "blobs")),
        });
        builder.Services.AddSingleton<BlobReferenceLock>();
        builder.Services.AddSingleton<MediaReclaimer>();
        builder.Services.AddSingleton<UnattachedMediaSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<UnattachedMediaSweeper>());
        builder.Services.AddSingleton<ImageThumbnailer>();
        builder.Services.AddSingleton<MediaUploader>();
        builder.Services.AddSingleton<SignedMediaUrls>();
        SignedUrlAuthenticationHandler.AddTo(builder.Services);

        builder.Services.AddMemoryCache(cache => cache.SizeLimit = 100_000);
        builder.Services.AddHttpClient<ConversationAccess>(http => http.BaseAddress = new Uri("http://messaging")).AddForwardedAuthorization();

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, MediaJsonContext.Default);
            // Width, height and thumbnailUrl are absent, not null, for a file that is not an image.
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
    }
}
