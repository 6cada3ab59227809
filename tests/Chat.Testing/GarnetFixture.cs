using System.Net;
using System.Net.Sockets;
using Garnet;

namespace Chat.Testing;

/// <summary>A real Redis-protocol server (Garnet, in process) on a free loopback port.</summary>
public sealed class GarnetFixture : IRedisFixture
{
    private readonly GarnetServer _server;

    public GarnetFixture()
    {
        Port = FreePort();
        _server = new GarnetServer(["--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--lua"]);
        _server.Start();
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _server.Dispose();
}
