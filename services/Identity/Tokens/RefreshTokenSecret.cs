using System.Buffers.Text;
using System.Security.Cryptography;

namespace Chat.Identity.Tokens;

/// <summary>A refresh token is 256 random bits, sent base64url in the cookie and stored only as its SHA-256.</summary>
public static class RefreshTokenSecret
{
    public const int SecretBytes = 32;

    public static (string Value, byte[] Hash) Create()
    {
        var secret = RandomNumberGenerator.GetBytes(SecretBytes);
        return (Base64Url.EncodeToString(secret), SHA256.HashData(secret));
    }

    /// <summary>
    /// The token that replaces <paramref name="presented"/>: SHA-256 of its secret and a random salt kept with the
    /// replaced row. A second request with the same token inside the grace window gets this same successor back,
    /// while neither the stored hashes alone nor the old token alone are enough to compute it.
    /// </summary>
    public static (string Value, byte[] Hash)? Successor(string? presented, byte[] salt)
    {
        if (Decode(presented) is not { } secret)
        {
            return null;
        }
        var next = SHA256.HashData([.. secret, .. salt]);
        return (Base64Url.EncodeToString(next), SHA256.HashData(next));
    }

    /// <summary>The stored hash of a presented token, or null when the value cannot be one of ours.</summary>
    public static byte[]? HashOf(string? value) => Decode(value) is { } secret ? SHA256.HashData(secret) : null;

    private static byte[]? Decode(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 64 || !Base64Url.IsValid(value, out var length) || length != SecretBytes)
        {
            return null;
        }
        var secret = new byte[SecretBytes];
        return Base64Url.TryDecodeFromChars(value, secret, out var written) && written == SecretBytes ? secret : null;
    }
}
