namespace Chat.Admin;

/// <summary>What the command line asked for; the rest of it is configuration (<c>--Chat:DataDirectory dir</c>, ...).</summary>
public sealed class AdminOptions
{
    public const string Export = "export";
    public const string Import = "import";
    public const string AllowNonEmptyFlag = "--allow-non-empty";

    public const string Usage = """
        usage: Chat.Admin export <file> [--key value ...]
               Chat.Admin import <file> [--allow-non-empty] [--key value ...]
        The engines come from the services' keys: Chat:DataDirectory (or Identity:/Messaging:/Media:DataDirectory),
        ConnectionStrings:mongodb, Media:Blobs:* - as --key value arguments or environment variables (Chat__DataDirectory).
        """;

    public required string Command { get; init; }

    /// <summary>The export file: written by <c>export</c> (never over an existing file), read by <c>import</c>.</summary>
    public required string File { get; init; }

    /// <summary>Import into a target that already holds data; an id present in both then fails the import.</summary>
    public bool AllowNonEmpty { get; init; }

    public IReadOnlyList<string> ConfigurationArguments { get; init; } = [];

    public static AdminOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count < 2 || args[0] is not (Export or Import) || args[1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new AdminException(Usage, AdminException.Usage);
        }
        var rest = args.Skip(2).ToList();
        var allowNonEmpty = rest.Remove(AllowNonEmptyFlag);
        if (allowNonEmpty && args[0] == Export)
        {
            throw new AdminException($"{AllowNonEmptyFlag} applies to import only.\n{Usage}", AdminException.Usage);
        }
        return new AdminOptions { Command = args[0], File = Path.GetFullPath(args[1]), AllowNonEmpty = allowNonEmpty, ConfigurationArguments = rest };
    }
}
