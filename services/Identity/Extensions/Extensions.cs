using Chat.Identity.Apis;
using Chat.Identity.Tokens;
using Chat.Identity.Users;
using Chat.Mongo;
using Chat.Sqlite;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chat.Identity.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPublicApiDocument("Chat Identity", "Accounts, login and sessions (access tokens in the body, the refresh token in an HttpOnly cookie), profiles and blocks.");
        builder.Services.AddOptions<IdentityOptions>()
            .BindConfiguration(IdentityOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(options => options.SigningKeyLifetime > options.AccessTokenLifetime,
                "Identity:SigningKeyLifetime must exceed Identity:AccessTokenLifetime, or a rotation could outlive live tokens.")
            .ValidateOnStart();
        builder.Services.AddCredentialRateLimits();
        // The revocation feed is an internal route; Identity's own token checks read the store directly.
        builder.AddInternalApiKey();
        builder.Services.AddSingleton<SessionRevocationFeed>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IRevokedSessionFeed>(sp => sp.GetRequiredService<SessionRevocationFeed>()));

        // Behind the gateway the client address arrives in X-Forwarded-For, which YARP sets (replacing any the client sent).
        // Only a loopback peer (the gateway, the defaults KnownProxies/KnownIPNetworks) is believed, and only its last hop.
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            forwarded.ForwardLimit = 1;
        });

        // Blocks are enforced by Messaging, told over its internal API; group-add settings are read by it likewise.
        builder.AddInternalApiKey();
        builder.Services.AddHttpClient(BlockEnforcement.HttpClientName, http => http.BaseAddress = new Uri("http://messaging")).AddInternalApiKey();
        builder.Services.AddSingleton<BlockEnforcement>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IPasswordHasher<UserCredentials>, PasswordHasher<UserCredentials>>();
        // ConnectionStrings:mongodb moves users and refresh tokens to MongoDB; without it they stay in identity.db.
        if (builder.AddMongoDatabaseIfConfigured("chat-identity"))
        {
            builder.Services.AddSingleton<IUserStore, MongoUserStore>();
            builder.Services.AddSingleton<IRefreshTokenStore, MongoRefreshTokenStore>();
            builder.Services.AddSingleton<IBlockStore, MongoBlockStore>();
        }
        else
        {
            builder.Services.AddSingleton(sp =>
                new SqliteDatabase(Path.Combine(sp.GetRequiredService<IOptions<IdentityOptions>>().Value.DataDirectory, "identity.db")));
            builder.Services.AddSingleton<IUserStore, SqliteUserStore>();
            builder.Services.AddSingleton<IRefreshTokenStore, SqliteRefreshTokenStore>();
            builder.Services.AddSingleton<IBlockStore, SqliteBlockStore>();
        }
        builder.Services.AddSingleton<SigningKeyRing>(sp =>
            SigningKeyRing.LoadOrCreate(
                Path.Combine(sp.GetRequiredService<IOptions<IdentityOptions>>().Value.DataDirectory, "signing-keys"),
                sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddHostedService<SigningKeyRotation>();

        // Identity validates its own tokens from its key ring rather than fetching its own JWKS over HTTP.
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .PostConfigure<SigningKeyRing>((jwt, keys) =>
            {
                jwt.ConfigurationManager = null;
                jwt.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) => keys.ValidationKeys;
            });

        builder.Services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, IdentityJsonContext.Default));
    }
}
