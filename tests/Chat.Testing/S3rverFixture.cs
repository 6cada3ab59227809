using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Chat.Testing;

/// <summary>
/// s3rver (npm, pinned in tests/s3rver) on a free loopback port with its own temporary directory: an S3 endpoint for
/// the blob contract suite. It ignores signatures and its ListObjects is off, so tests rely on neither. Fails, never
/// skips, when it is not installed: CI runs <c>npm ci</c> in tests/s3rver.
/// </summary>
public sealed class S3rverFixture : IDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly Process _process;
    private readonly string _directory;

    public S3rverFixture()
    {
        var script = FindScript();
        _directory = Directory.CreateTempSubdirectory("chat-s3rver-").FullName;
        Port = GarnetFixture.FreePort();
        try
        {
            _process = LoopbackServer.Start("node",
                [script, "--directory", _directory, "--address", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--silent"],
                Port, "s3rver", TimeSpan.FromSeconds(20));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The S3 contract tests need node on PATH to run s3rver.", e);
        }
    }

    public int Port { get; }

    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    public void Dispose()
    {
        LoopbackServer.Stop(_process);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the dying process: the temporary directory is swept by the OS later.
        }
    }

    private static readonly Lock InstallGate = new();

    private static string FindScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var package = Path.Combine(directory.FullName, "tests", "s3rver");
            var script = Path.Combine(package, "node_modules", "s3rver", "bin", "s3rver.js");
            if (Directory.Exists(package))
            {
                // A fresh clone has the pinned package but not its node_modules: install it once, as `dotnet test` alone must work.
                lock (InstallGate)
                {
                    if (!File.Exists(script))
                    {
                        using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = package, UseShellExecute = false })!;
                        npm.WaitForExit();
                    }
                }
                if (File.Exists(script))
                {
                    return script;
                }
                break;
            }
        }
        throw new InvalidOperationException(
            "s3rver is not installed: run `npm ci` in tests/s3rver (.ci/run does) so the S3 blob store contract tests can start it.");
    }
}
