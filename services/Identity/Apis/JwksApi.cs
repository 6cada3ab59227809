using Chat.Identity.Tokens;

namespace Chat.Identity.Apis;

public static class JwksApi
{
    public static RouteHandlerBuilder MapJwksApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/.well-known/jwks.json", GetKeySet).AllowAnonymous().WithTags("Keys");

    /// <summary>The public halves of the current and previous signing keys.</summary>
    public static IResult GetKeySet(SigningKeyRing keys, HttpContext context)
    {
        context.Response.Headers.CacheControl = "public, max-age=300";
        var json = System.Text.Json.JsonSerializer.Serialize(keys.ToPublicJwks().Keys.Select(ToPublicMember).ToArray());
        return TypedResults.Text($$"""{"keys":{{json}}}""", "application/json");
    }

    private static Dictionary<string, string> ToPublicMember(Microsoft.IdentityModel.Tokens.JsonWebKey key) => new()
    {
        ["kty"] = key.Kty,
        ["crv"] = key.Crv,
        ["x"] = key.X,
        ["y"] = key.Y,
        ["kid"] = key.Kid,
        ["use"] = key.Use,
        ["alg"] = key.Alg,
    };
}
