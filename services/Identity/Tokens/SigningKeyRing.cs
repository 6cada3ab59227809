using System.Globalization;
using System.Security.Cryptography;
using Chat.Sqlite;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Identity.Tokens;

/// <summary>
/// The ES256 keys tokens are signed with, one PEM file each in Identity's data directory.
/// The newest signs; the newest two are published so a rotation invalidates no live token.
/// </summary>
public sealed class SigningKeyRing
{
    private const int PublishedKeyCount = 2;
    private const string KeyIdTimeFormat = "yyyyMMddHHmmssfff";

    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly Lock _rotation = new();
    private volatile IReadOnlyList<ECDsaSecurityKey> _keys;

    private SigningKeyRing(string directory, TimeProvider time, IReadOnlyList<ECDsaSecurityKey> keys)
    {
        _directory = directory;
        _time = time;
        _keys = keys;
    }

    public ECDsaSecurityKey Current => _keys[0];

    public IReadOnlyList<SecurityKey> ValidationKeys => _keys;

    /// <summary>When the signing key was created: the key id starts with its creation time.</summary>
    public DateTimeOffset CurrentCreatedAt => CreatedAt(_keys[0].KeyId);

    public static SigningKeyRing LoadOrCreate(string directory, TimeProvider time)
    {
        PrivateFiles.CreateDirectory(directory);
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
        lock (_rotation)
        {
            CreateKey();
        }
    }

    /// <summary>Rotates when the signing key is at least <paramref name="lifetime"/> old; returns whether it did.</summary>
    public bool RotateIfOlderThan(TimeSpan lifetime)
    {
        lock (_rotation)
        {
            // Another Identity process sharing the directory may have rotated already.
            _keys = LoadNewest(_directory);
            if (_keys.Count > 0 && _time.GetUtcNow() - CurrentCreatedAt < lifetime)
            {
                return false;
            }
            CreateKey();
            return true;
        }
    }

    private void CreateKey()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyId = $"{_time.GetUtcNow().UtcDateTime.ToString(KeyIdTimeFormat, CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var path = Path.Combine(_directory, keyId + ".pem");
        // 0600 from the start: a private key is never readable by others, not even before a chmod.
        using (var file = PrivateFiles.CreateNew(path))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(ecdsa.ExportPkcs8PrivateKeyPem());
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

    private static DateTimeOffset CreatedAt(string keyId) =>
        DateTimeOffset.ParseExact(keyId[..KeyIdTimeFormat.Length], KeyIdTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static List<ECDsaSecurityKey> LoadNewest(string directory) =>
        Directory.EnumerateFiles(directory, "*.pem")
            .OrderByDescending(Path.GetFileName, StringComparer.Ordinal)
            .Take(PublishedKeyCount)
            .Select(path =>
            {
                var ecdsa = ECDsa.Create();
                // A key written before files were created private is made so on load.
                PrivateFiles.Restrict(path);
                ecdsa.ImportFromPem(File.ReadAllText(path));
                return new ECDsaSecurityKey(ecdsa) { KeyId = Path.GetFileNameWithoutExtension(path) };
            })
            .ToList();
}
