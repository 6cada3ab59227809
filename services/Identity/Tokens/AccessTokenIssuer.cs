using System.Security.Claims;
using Chat.Identity.Users;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Identity.Tokens;

public sealed record AccessToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>Mints short-lived access tokens that every service validates offline against the JWKS.</summary>
public sealed class AccessTokenIssuer(
    SigningKeyRing keys,
    IOptions<IdentityOptions> identityOptions,
    IOptions<ChatTokenOptions> tokenOptions,
    TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    /// <param name="sessionId">The refresh-token family this token belongs to.</param>
    public AccessToken Issue(User user, string sessionId)
    {
        var now = time.GetUtcNow();
        var expires = now + identityOptions.Value.AccessTokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = tokenOptions.Value.Issuer,
            Audience = tokenOptions.Value.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Subject = new ClaimsIdentity(
            [
                new Claim(ChatClaims.UserId, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(ChatClaims.UserName, user.Username),
                new Claim(ChatClaims.SessionId, sessionId),
            ]),
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.EcdsaSha256),
        });
        return new AccessToken(token, expires);
    }
}
