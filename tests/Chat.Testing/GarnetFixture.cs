using System.Net;
using System.Net.Sockets;
using Chat.Garnet;
using Garnet;

namespace Chat.Testing;

/// <summary>A real Redis-protocol server (Garnet, in process) on a free loopback port, run as the AppHost runs it: password required.</summary>
public sealed class GarnetFixture : IRedisFixture
{
    private readonly GarnetServer _server;

    public GarnetFixture()
    {
        Port = FreePort();
        _server = new GarnetServer(EmbeddedRedisArguments.For(Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Password));
        _server.Start();
    }

    public int Port { get; }

    public string Password { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public string ConnectionString => $"127.0.0.1:{Port},password={Password},abortConnect=false";

    /// <summary>The same server, without the password.</summary>
    public string ConnectionStringWithoutPassword => $"127.0.0.1:{Port},abortConnect=false";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _server.Dispose();
}
