using System.Text.RegularExpressions;

namespace Chat.Testing;

/// <summary>A call the README's "Public contract" table promises, such as <c>GET /api/media/{id}/info</c>.</summary>
public sealed record ContractCall(string Method, string Path)
{
    public override string ToString() => $"{Method} {Path}";
}

/// <summary>
/// Reads the endpoints out of the README's contract table, in the shorthand it is written in: <c>`PUT` · `DELETE /a/{id}`</c>
/// (methods sharing a path), <c>`GET /a/b` · `/c`</c> (a path resolved against the row's first one, replacing from its
/// segment <c>c</c> if it has one, else appended), <c>…/members/{userId}</c>, and query strings and bodies left out.
/// </summary>
public static partial class ReadmeContract
{
    private static readonly string[] HttpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static string ReadmePath => Path.Combine(RepositoryFiles.Root, "README.md");

    public static IReadOnlyList<ContractCall> Read() => Parse(File.ReadAllLines(ReadmePath));

    public static IReadOnlyList<ContractCall> Parse(IEnumerable<string> readme)
    {
        var calls = new List<ContractCall>();
        var inSection = false;
        foreach (var line in readme)
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                inSection = line.Contains("contract", StringComparison.OrdinalIgnoreCase);
                continue;
            }
            if (inSection && line.StartsWith('|') && line.Split('|') is [_, var firstCell, ..] && firstCell.Contains('`'))
            {
                calls.AddRange(ParseRow(firstCell));
            }
        }
        return calls.Distinct().ToList();
    }

    private static IEnumerable<ContractCall> ParseRow(string cell)
    {
        string? rowPath = null;
        var methods = new List<string>();
        var pendingMethods = new List<string>();
        foreach (var part in cell.Split('·'))
        {
            var tokens = BackQuoted().Matches(part).Select(m => m.Groups[1].Value.Trim()).ToList();
            var partMethods = new List<string>();
            string? path = null;
            foreach (var token in tokens)
            {
                var words = token.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
                if (words.Length > 0 && HttpMethods.Contains(words[0]))
                {
                    partMethods.Add(words[0]);
                    if (words.Length == 2)
                    {
                        path ??= words[1];
                    }
                }
                else if (token.StartsWith('/') || token.StartsWith('…'))
                {
                    path ??= token;
                }
            }
            if (path is null)
            {
                // `PUT` · `DELETE /path`: the method waits for the next part's path.
                pendingMethods.AddRange(partMethods);
                continue;
            }
            if (partMethods.Count > 0)
            {
                methods = [.. pendingMethods, .. partMethods];
            }
            else if (pendingMethods.Count > 0)
            {
                methods = [.. pendingMethods];
            }
            pendingMethods.Clear();
            var resolved = Resolve(path, rowPath);
            rowPath ??= resolved;
            foreach (var method in methods)
            {
                yield return new ContractCall(method, resolved);
            }
        }
    }

    private static string Resolve(string path, string? rowPath)
    {
        path = PublicApiContract.Normalize(path.TrimStart('…'));
        if (path.StartsWith("/api/", StringComparison.Ordinal) || rowPath is null)
        {
            return path;
        }
        var first = path.Split('/', StringSplitOptions.RemoveEmptyEntries)[0];
        var baseSegments = rowPath.Split('/').ToList();
        var at = baseSegments.LastIndexOf(first);
        return at > 0
            ? string.Join('/', baseSegments.Take(at)) + path
            : rowPath + path;
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex BackQuoted();
}

/// <summary>Files of the repository the tests read or check (the README, docs/).</summary>
public static class RepositoryFiles
{
    /// <summary>The directory holding Chat.sln, found upwards from the test's output directory.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Chat.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No Chat.sln above {AppContext.BaseDirectory}.");
    }
}
