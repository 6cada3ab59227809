using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient(JwksHttpClientName);
        builder.Services.AddSessionRevocation();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<ChatTokenOptions>, IHttpClientFactory, TimeProvider>((jwt, tokenOptions, httpClients, time) =>
            {
                var tokens = tokenOptions.Value;
                jwt.MapInboundClaims = false;
                jwt.RequireHttpsMetadata = false;
                jwt.TokenValidationParameters = CreateValidationParameters(tokens, time);
                jwt.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                    tokens.JwksUrl,
                    new JwksConfigurationRetriever(),
                    new HttpDocumentRetriever(httpClients.CreateClient(JwksHttpClientName)) { RequireHttps = false })
                {
                    AutomaticRefreshInterval = TimeSpan.FromMinutes(10),
                    RefreshInterval = TimeSpan.FromSeconds(10),
                };
                jwt.Events = new JwtBearerEvents
                {
                    OnMessageReceived = ReadHubTokenFromQuery,
                    OnTokenValidated = RefuseRevokedSession,
                    OnChallenge = WriteChallengeProblemAsync,
                };
            });

        builder.Services.AddAuthorization();
        return builder;
    }

    /// <param name="time">The clock lifetimes are checked against: the host's <see cref="TimeProvider"/>, so tests can move it.</param>
    public static TokenValidationParameters CreateValidationParameters(ChatTokenOptions tokens, TimeProvider time) => new()
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
        LifetimeValidator = (notBefore, expires, _, parameters) => ValidateLifetime(notBefore, expires, parameters.ClockSkew, time),
    };

    /// <summary>The library's own lifetime rule (expiry required, skew tolerated), against <paramref name="time"/> instead of the machine clock.</summary>
    private static bool ValidateLifetime(DateTime? notBefore, DateTime? expires, TimeSpan clockSkew, TimeProvider time)
    {
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiration time.");
        }
        if (notBefore is not null && notBefore > expires)
        {
            throw new SecurityTokenInvalidLifetimeException("The token's 'nbf' is after its 'exp'.") { NotBefore = notBefore, Expires = expires };
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (notBefore is not null && notBefore > now + clockSkew)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = notBefore.Value };
        }
        if (expires < now - clockSkew)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = expires.Value };
        }
        return true;
    }

    /// <summary>A 401 with a stable problem type, so a client can tell "refresh the token" from "log in".</summary>
    private static Task WriteChallengeProblemAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        if (context.Response.HasStarted)
        {
            // Another scheme of the same policy (a signed media URL, say) has already explained the refusal.
            return Task.CompletedTask;
        }
        var (code, title, description) = context.AuthenticateFailure switch
        {
            null => ("authentication-required", "Authentication required", null),
            SecurityTokenExpiredException => ("token-expired", "Token expired", "The access token has expired."),
            _ => ("invalid-token", "Invalid token", "The access token is not valid."),
        };
        context.Response.Headers.WWWAuthenticate = description is null
            ? JwtBearerDefaults.AuthenticationScheme
            : $"{JwtBearerDefaults.AuthenticationScheme} error=\"invalid_token\", error_description=\"{description}\"";
        return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                type: ChatProblemTypes.Prefix + code,
                title: title,
                detail: description ?? "Send an access token in the Authorization header.")
            .ExecuteAsync(context.HttpContext);
    }

    /// <summary>A token of a session ended by logout, password change or refresh-token reuse is refused before it expires.</summary>
    private static Task RefuseRevokedSession(TokenValidatedContext context)
    {
        var revoked = context.HttpContext.RequestServices.GetRequiredService<RevokedSessions>();
        if (context.Principal is { } principal && revoked.IsRevoked(principal.GetSessionId()))
        {
            context.Fail(new SecurityTokenException("The session of this access token has ended."));
        }
        return Task.CompletedTask;
    }

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

    /// <summary>The refresh-token family (the login session) the access token was issued for.</summary>
    public const string SessionId = "sid";

    /// <summary>The caller's user id; only called behind RequireAuthorization, where a valid token has a numeric subject.</summary>
    public static long GetUserId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(UserId), out var id)
            ? id
            : throw new InvalidOperationException("The principal carries no numeric 'sub' claim.");
}

/// <summary>Where every Chat problem <c>type</c> lives: <c>https://chat.example/problems/&lt;code&gt;</c>.</summary>
public static class ChatProblemTypes
{
    public const string Prefix = "https://chat.example/problems/";
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
