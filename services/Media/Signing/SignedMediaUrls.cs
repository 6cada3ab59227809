using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Chat.Sqlite;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Chat.Media.Signing;

public enum SignatureStatus
{
    Valid,
    Invalid,
    Expired,
}

/// <summary>
/// Short-lived download URLs that stand in for the bearer token, so <c>&lt;img src&gt;</c> works: an HMAC over
/// (media id, user id, expiry), minted only after the user's membership was checked.
/// </summary>
public sealed class SignedMediaUrls
{
    public const string UserParameter = "uid";
    public const string ExpiryParameter = "exp";
    public const string SignatureParameter = "sig";
    public const string KeyFileName = "url-signing.key";

    private readonly byte[] _key;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;

    public SignedMediaUrls(IOptions<MediaOptions> options, TimeProvider time)
    {
        _key = LoadKey(options.Value);
        _lifetime = options.Value.SignedUrlLifetime;
        _time = time;
    }

    /// <summary>A URL for the media (or its thumbnail) that the user can fetch without a token until it expires.</summary>
    public string Create(long mediaId, long userId, bool thumbnail = false)
    {
        var expires = (_time.GetUtcNow() + _lifetime).ToUnixTimeSeconds();
        var path = thumbnail ? $"/api/media/{mediaId}/thumbnail" : $"/api/media/{mediaId}";
        return string.Create(CultureInfo.InvariantCulture,
            $"{path}?{UserParameter}={userId}&{ExpiryParameter}={expires}&{SignatureParameter}={Sign(mediaId, userId, expires)}");
    }

    public (SignatureStatus Status, long UserId) Verify(long mediaId, string? user, string? expiry, string? signature)
    {
        if (!long.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            || !long.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || string.IsNullOrEmpty(signature))
        {
            return (SignatureStatus.Invalid, 0);
        }
        byte[] given;
        try
        {
            given = WebEncoders.Base64UrlDecode(signature);
        }
        catch (FormatException)
        {
            return (SignatureStatus.Invalid, 0);
        }
        if (!CryptographicOperations.FixedTimeEquals(given, Mac(mediaId, userId, expires)))
        {
            return (SignatureStatus.Invalid, 0);
        }
        return _time.GetUtcNow().ToUnixTimeSeconds() >= expires ? (SignatureStatus.Expired, userId) : (SignatureStatus.Valid, userId);
    }

    private string Sign(long mediaId, long userId, long expires) => WebEncoders.Base64UrlEncode(Mac(mediaId, userId, expires));

    private byte[] Mac(long mediaId, long userId, long expires) =>
        HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"media-url.{mediaId}.{userId}.{expires}")));

    /// <summary>The configured key, else the one in the data directory, made on first start (replicas sharing the directory share it).</summary>
    private static byte[] LoadKey(MediaOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            return Convert.FromBase64String(options.SigningKey);
        }
        PrivateFiles.CreateDirectory(options.DataDirectory);
        var path = Path.Combine(options.DataDirectory, KeyFileName);
        if (!File.Exists(path))
        {
            // Written aside (0600 from its creation) and renamed into place, so a replica starting at the same moment
            // never reads half a key.
            var staged = $"{path}.{Guid.NewGuid():N}";
            using (var file = PrivateFiles.CreateNew(staged))
            {
                file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
            }
            try
            {
                File.Move(staged, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(staged);
            }
        }
        return Convert.FromBase64String(File.ReadAllText(path).Trim());
    }
}
