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
        _process = LoopbackServer.Start(path,
            ["--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture),
             "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes", "--requirepass", Password],
            Port, "redis-server", TimeSpan.FromSeconds(10));
    }

    public int Port { get; }

    /// <summary>Like the embedded role, a password is required.</summary>
    public string Password { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public string ConnectionString => $"127.0.0.1:{Port},password={Password},abortConnect=false";

    public void Dispose() => LoopbackServer.Stop(_process);
}
