namespace Chat.Sqlite;

/// <summary>
/// Directories and files only the service's own user may open (0700 / 0600 on Unix): databases, signing keys and
/// blobs hold password hashes, refresh-token hashes, private keys and users' files.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the directory and every missing parent 0700; one that already exists keeps its mode.</summary>
    public static DirectoryInfo CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return Directory.CreateDirectory(path);
        }
        var full = Path.GetFullPath(path);
        var parent = Path.GetDirectoryName(full);
        // The mode given to CreateDirectory applies to the last level only: each missing parent is created here.
        if (parent is not null && !Directory.Exists(parent))
        {
            CreateDirectory(parent);
        }
        return Directory.CreateDirectory(full, DirectoryMode);
    }

    /// <summary>Opens a new file for writing, created 0600 (never readable by others, not even for a moment).</summary>
    public static FileStream CreateNew(string path, int bufferSize = 4096, FileOptions options = FileOptions.None)
    {
        var stream = new FileStreamOptions
        {
            Mode = System.IO.FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = bufferSize,
            Options = options,
        };
        if (!OperatingSystem.IsWindows())
        {
            stream.UnixCreateMode = FileMode;
        }
        return new FileStream(path, stream);
    }

    /// <summary>Makes an existing file 0600 (one created before this rule, or moved in from elsewhere).</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && File.GetUnixFileMode(path) != FileMode)
        {
            File.SetUnixFileMode(path, FileMode);
        }
    }
}
