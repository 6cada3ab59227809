using System.Net.Http.Json;
using Chat.Testing;

namespace Chat.Identity.Tests;

/// <summary>Identity's database and signing keys are readable by the service's own user only.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivateDataFilesTests : IDisposable
{
    private const UnixFileMode Directory0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _root = Directory.CreateTempSubdirectory("chat-private-").FullName;
    private readonly IdentityFactory _identity;

    public PrivateDataFilesTests() =>
        // A data directory that does not exist yet, so Identity creates it (a temp subdirectory is 0700 already).
        _identity = new IdentityFactory(new ServiceRouter(), new Dictionary<string, string?> { ["Identity:DataDirectory"] = Path.Combine(_root, "data", "identity") });

    public void Dispose()
    {
        _identity.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task TheDatabaseAndSigningKeysAreCreated0600InDirectoriesCreated0700()
    {
        await _identity.CreateUserAsync();
        using (var client = _identity.CreateClient())
        {
            await client.GetFromJsonAsync<object>("/.well-known/jwks.json");
        }
        var data = Path.Combine(_root, "data", "identity");
        var keys = Directory.GetFiles(Path.Combine(data, "signing-keys"), "*.pem");
        var databaseFiles = Directory.GetFiles(data, "identity.db*");

        Assert.Equal(Directory0700, File.GetUnixFileMode(Path.Combine(_root, "data")));
        Assert.Equal(Directory0700, File.GetUnixFileMode(data));
        Assert.Equal(Directory0700, File.GetUnixFileMode(Path.Combine(data, "signing-keys")));
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Equal(File0600, File.GetUnixFileMode(key)));
        Assert.Contains(Path.Combine(data, "identity.db"), databaseFiles);
        // The database and its WAL and shared-memory files alike.
        Assert.All(databaseFiles, file => Assert.Equal(File0600, File.GetUnixFileMode(file)));
    }
}
