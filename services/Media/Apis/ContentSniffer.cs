namespace Chat.Media.Apis;

/// <summary>The content type, judged from the first bytes, never from what the client claims.</summary>
public static class ContentSniffer
{
    public const int HeaderLength = 16;
    public const string Fallback = "application/octet-stream";

    public static bool IsImage(string contentType) => contentType is "image/png" or "image/jpeg" or "image/gif" or "image/webp";

    public static string Detect(ReadOnlySpan<byte> header) => header switch
    {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x47, 0x49, 0x46, 0x38, 0x37 or 0x39, 0x61, ..] => "image/gif",
        [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] => "image/webp",
        [0x25, 0x50, 0x44, 0x46, 0x2D, ..] => "application/pdf",
        [0x50, 0x4B, 0x03, 0x04, ..] => "application/zip",
        _ => Fallback,
    };
}
