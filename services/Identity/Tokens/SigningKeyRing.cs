using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Identity.Tokens;

/// <summary>
/// The ES256 keys tokens are signed with, one PEM file each in Identity's data directory.
/// The newest signs; the newest two are published so a rotation invalidates no live token.
/// </summary>
public sealed class SigningKeyRing
{
    private const int PublishedKeyCount = 2;

    private readonly string _directory;
    private readonly TimeProvider _time;
    private volatile IReadOnlyList<ECDsaSecurityKey> _keys;

    private SigningKeyRing(string directory, TimeProvider time, IReadOnlyList<ECDsaSecurityKey> keys)
    {
        _directory = directory;
        _time = time;
        _keys = keys;
    }

    public ECDsaSecurityKey Current => _keys[0];

    public IReadOnlyList<SecurityKey> ValidationKeys => _keys;

    public static SigningKeyRing LoadOrCreate(string directory, TimeProvider time)
    {
        Directory.CreateDirectory(directory);
        var ring = new SigningKeyRing(directory, time, LoadNewest(directory));
        if (ring._keys.Count == 0)
        {
            ring.Rotate();
        }
        return ring;
    }

    /// <summary>Creates a new signing key; the previous one stays published for validation.</summary>
    public void Rotate()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyId = $"{_time.GetUtcNow():yyyyMMddHHmmssfff}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var path = Path.Combine(_directory, keyId + ".pem");
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(ecdsa.ExportPkcs8PrivateKeyPem());
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        _keys = LoadNewest(_directory);
    }

    public JsonWebKeySet ToPublicJwks()
    {
        var set = new JsonWebKeySet();
        foreach (var key in _keys)
        {
            var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(key.ECDsa.ExportParameters(false))) { KeyId = key.KeyId });
            jwk.Use = "sig";
            jwk.Alg = SecurityAlgorithms.EcdsaSha256;
            set.Keys.Add(jwk);
        }
        return set;
    }

    private static List<ECDsaSecurityKey> LoadNewest(string directory) =>
        Directory.EnumerateFiles(directory, "*.pem")
            .OrderByDescending(Path.GetFileName, StringComparer.Ordinal)
            .Take(PublishedKeyCount)
            .Select(path =>
            {
                var ecdsa = ECDsa.Create();
                ecdsa.ImportFromPem(File.ReadAllText(path));
                return new ECDsaSecurityKey(ecdsa) { KeyId = Path.GetFileNameWithoutExtension(path) };
            })
            .ToList();
}
