using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.Hosting;

public static class AuthenticationExtensions
{
    /// <summary>Path prefix of SignalR hubs, whose WebSocket requests carry the token in the query string.</summary>
    public const string HubPathPrefix = "/hubs";

    public const string JwksHttpClientName = "jwks";

    /// <summary>
    /// Validates Identity's access tokens offline: keys from its JWKS (fetched by service discovery, cached,
    /// refreshed on an unknown key id), issuer, audience, lifetime and algorithm pinned.
    /// </summary>
    public static TBuilder AddChatAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ChatTokenOptions>()
            .BindConfiguration(ChatTokenOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddHttpClient(JwksHttpClientName);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<ChatTokenOptions>, IHttpClientFactory>((jwt, tokenOptions, httpClients) =>
            {
                var tokens = tokenOptions.Value;
                jwt.MapInboundClaims = false;
                jwt.RequireHttpsMetadata = false;
                jwt.TokenValidationParameters = CreateValidationParameters(tokens);
                jwt.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                    tokens.JwksUrl,
                    new JwksConfigurationRetriever(),
                    new HttpDocumentRetriever(httpClients.CreateClient(JwksHttpClientName)) { RequireHttps = false })
                {
                    AutomaticRefreshInterval = TimeSpan.FromMinutes(10),
                    RefreshInterval = TimeSpan.FromSeconds(10),
                };
                jwt.Events = new JwtBearerEvents { OnMessageReceived = ReadHubTokenFromQuery };
            });

        builder.Services.AddAuthorization();
        return builder;
    }

    public static TokenValidationParameters CreateValidationParameters(ChatTokenOptions tokens) => new()
    {
        ValidIssuer = tokens.Issuer,
        ValidAudience = tokens.Audience,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = tokens.ClockSkew,
        NameClaimType = ChatClaims.UserName,
    };

    private static Task ReadHubTokenFromQuery(MessageReceivedContext context)
    {
        var token = context.Request.Query["access_token"];
        if (!string.IsNullOrEmpty(token) && context.HttpContext.Request.Path.StartsWithSegments(HubPathPrefix))
        {
            context.Token = token;
        }
        return Task.CompletedTask;
    }
}

/// <summary>The claims Identity puts into an access token.</summary>
public static class ChatClaims
{
    public const string UserId = "sub";
    public const string UserName = "name";

    /// <summary>The caller's user id; only called behind RequireAuthorization, where a valid token has a numeric subject.</summary>
    public static long GetUserId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(UserId), out var id)
            ? id
            : throw new InvalidOperationException("The principal carries no numeric 'sub' claim.");
}

/// <summary>Reads a bare JWKS document (no OpenID discovery document in between).</summary>
internal sealed class JwksConfigurationRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var document = await retriever.GetDocumentAsync(address, cancel).ConfigureAwait(false);
        var configuration = new OpenIdConnectConfiguration { JwksUri = address };
        foreach (var key in new JsonWebKeySet(document).GetSigningKeys())
        {
            configuration.SigningKeys.Add(key);
        }
        return configuration;
    }
}
