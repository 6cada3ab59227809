using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Chat.Web.Tests;

/// <summary>
/// Runs the web client's own Vitest suite (sync and gap repair, optimistic send, reconnection) as part of
/// <c>dotnet test</c>, so one command runs every test; each Vitest case is reported in the output.
/// </summary>
public sealed class WebClientLogicTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TheWebClientsLogicTestsAllPass()
    {
        var web = FindWebDirectory();
        var report = Path.Combine(Path.GetTempPath(), $"vitest-{Guid.NewGuid():N}.json");
        if (!Directory.Exists(Path.Combine(web, "node_modules")))
        {
            Assert.Equal(0, await RunAsync(web, "npm", "ci --no-audit --no-fund"));
        }

        var exitCode = await RunAsync(web, "npx", $"vitest run --reporter=json --outputFile={report}");

        using var results = JsonDocument.Parse(await File.ReadAllTextAsync(report));
        File.Delete(report);
        foreach (var file in results.RootElement.GetProperty("testResults").EnumerateArray())
        {
            foreach (var test in file.GetProperty("assertionResults").EnumerateArray())
            {
                output.WriteLine($"{test.GetProperty("status").GetString(),-7} {test.GetProperty("fullName").GetString()}");
            }
        }
        Assert.Equal(0, results.RootElement.GetProperty("numFailedTests").GetInt32());
        Assert.True(results.RootElement.GetProperty("numPassedTests").GetInt32() > 0, "Vitest ran no test.");
        Assert.Equal(0, exitCode);
    }

    private static string FindWebDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var web = Path.Combine(directory.FullName, "web");
            if (File.Exists(Path.Combine(web, "package.json")))
            {
                return web;
            }
        }
        throw new DirectoryNotFoundException("No web/ directory above the test binaries.");
    }

    private async Task<int> RunAsync(string directory, string command, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        output.WriteLine(await stderr);
        _ = await stdout;
        return process.ExitCode;
    }
}
