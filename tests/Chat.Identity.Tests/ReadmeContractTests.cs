using Chat.Testing;

namespace Chat.Identity.Tests;

/// <summary>The README's contract table is read in the shorthand it is written in, so no promised endpoint slips past the document checks.</summary>
public sealed class ReadmeContractTests
{
    [Fact]
    public void SharedMethodsRelativePathsAndEllipsesResolveToFullCalls()
    {
        string[] readme =
        [
            "## Public contract",
            "| call | answer |",
            "|---|---|",
            "| `GET /api/identity/users/me` · `/users/{id}` · `/users?search=` | user(s) |",
            "| `PUT` · `DELETE /api/identity/users/me/blocks/{userId}` · `GET /api/identity/users/me/blocks` | block |",
            "| `POST /api/conversations/{id}/members` `{userId}` · `DELETE …/members/{userId}` | owner adds |",
            "| `GET /api/media/{id}` · `/thumbnail` · `/info` | the bytes |",
            "| `POST /api/media?conversationId=` (multipart `file`) | 201 |",
            "## Another section",
            "| `GET /api/not/contract` | no |",
        ];

        var calls = ReadmeContract.Parse(readme).Select(call => call.ToString()).ToList();

        Assert.Equal(
        [
            "GET /api/identity/users/me", "GET /api/identity/users/{id}", "GET /api/identity/users",
            "PUT /api/identity/users/me/blocks/{userId}", "DELETE /api/identity/users/me/blocks/{userId}", "GET /api/identity/users/me/blocks",
            "POST /api/conversations/{id}/members", "DELETE /api/conversations/{id}/members/{userId}",
            "GET /api/media/{id}", "GET /api/media/{id}/thumbnail", "GET /api/media/{id}/info",
            "POST /api/media",
        ], calls);
    }

    [Fact]
    public void TheRealReadmePromisesEndpointsOfEveryService()
    {
        var calls = ReadmeContract.Read();

        foreach (var prefix in new[] { "/api/identity/", "/api/conversations", "/api/presence", "/api/media" })
        {
            Assert.Contains(calls, call => call.Path.StartsWith(prefix, StringComparison.Ordinal));
        }
    }
}
