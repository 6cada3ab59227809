using Microsoft.Data.Sqlite;

namespace Chat.Admin.Tests;

/// <summary>A scratch directory for one test: data directories and export files; removed afterwards.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"chat-admin-test-{Guid.NewGuid():N}")).FullName;

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}

/// <summary>One run of the command in this process, with what it wrote to stdout and stderr.</summary>
internal sealed record AdminRun(int ExitCode, string Output, string Error)
{
    public static async Task<AdminRun> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await AdminCommand.RunAsync(args, output, error, CancellationToken.None);
        return new AdminRun(exitCode, output.ToString(), error.ToString());
    }

    public static Task<AdminRun> ExportAsync(string dataDirectory, string file) =>
        RunAsync("export", file, "--Chat:DataDirectory", dataDirectory);

    public static Task<AdminRun> ImportAsync(string dataDirectory, string file, params string[] more) =>
        RunAsync(["import", file, "--Chat:DataDirectory", dataDirectory, .. more]);

    public AdminRun Succeeded()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}: {Error}");
        return this;
    }
}
