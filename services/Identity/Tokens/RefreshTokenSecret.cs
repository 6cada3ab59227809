using System.Buffers.Text;
using System.Security.Cryptography;

namespace Chat.Identity.Tokens;

/// <summary>A refresh token is 256 random bits, sent base64url in the cookie and stored only as its SHA-256.</summary>
public static class RefreshTokenSecret
{
    private const int SecretBytes = 32;

    public static (string Value, byte[] Hash) Create()
    {
        var secret = RandomNumberGenerator.GetBytes(SecretBytes);
        return (Base64Url.EncodeToString(secret), SHA256.HashData(secret));
    }

    /// <summary>The stored hash of a presented token, or null when the value cannot be one of ours.</summary>
    public static byte[]? HashOf(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 64 || !Base64Url.IsValid(value, out var length) || length != SecretBytes)
        {
            return null;
        }
        Span<byte> secret = stackalloc byte[SecretBytes];
        return Base64Url.TryDecodeFromChars(value, secret, out var written) && written == SecretBytes
            ? SHA256.HashData(secret)
            : null;
    }
}
