namespace Chat.Media.Storage;

public static class BlobKeys
{
    /// <summary>Refuses anything but a lower-case hex SHA-256, so no user input ever becomes a path or an object key.</summary>
    public static string Validate(string key) =>
        key.Length == 64 && key.All(char.IsAsciiHexDigitLower)
            ? key
            : throw new ArgumentException("A blob key is a lower-case hex SHA-256.", nameof(key));
}
