using System.Net;
using System.Net.Sockets;
using Garnet;

namespace Chat.Testing;

/// <summary>A real Redis-protocol server (Garnet, in process) on a free loopback port.</summary>
public sealed class GarnetFixture : IRedisFixture
{
    private GarnetServer? _server;

    public GarnetFixture()
    {
        Port = FreePort();
        Start();
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the server: every client connection drops, and what it held is gone.</summary>
    public void Stop()
    {
        _server?.Dispose();
        _server = null;
    }

    /// <summary>Starts an empty server on the same port, as a restarted Redis would come back.</summary>
    public void Start()
    {
        _server ??= new GarnetServer(["--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--lua"]);
        _server.Start();
    }

    public void Dispose() => Stop();
}
