using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Chat.Testing;

/// <summary>
/// A real redis-server (apt <c>redis-server</c>; CI installs it) on a free loopback port, persisting nothing.
/// Fails, never skips, when the binary is missing: the Redis mode is first class.
/// </summary>
public sealed class RedisServerFixture : IRedisFixture
{
    public const string DefaultPath = "/usr/bin/redis-server";

    private readonly Process _process;

    public RedisServerFixture()
    {
        var path = Environment.GetEnvironmentVariable("CHAT_TEST_REDIS_SERVER") ?? DefaultPath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"redis-server is not at {path}: install it (apt-get install redis-server, as .ci/run does) or set CHAT_TEST_REDIS_SERVER.");
        }
        Port = GarnetFixture.FreePort();
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes",
        })
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{path} did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilListening();
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }

    private void WaitUntilListening()
    {
        try
        {
            LoopbackServer.WaitUntilListening(_process, Port, "redis-server", TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException) when (!_process.HasExited)
        {
            Dispose();
            throw;
        }
    }
}
