using System.Security.Cryptography;

namespace Chat.Media.Storage;

/// <summary>New media ids: random, positive and below 2^53 (exact as JSON numbers), so no one can walk other uploads.</summary>
public static class MediaIds
{
    /// <summary>How often a store draws again after an id that is already taken (practically never needed).</summary>
    public const int MaxAttempts = 8;

    public const long Limit = 1L << 53;

    public static long Next()
    {
        Span<byte> bytes = stackalloc byte[8];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            var id = BitConverter.ToInt64(bytes) & (Limit - 1);
            if (id > 0)
            {
                return id;
            }
        }
    }
}
