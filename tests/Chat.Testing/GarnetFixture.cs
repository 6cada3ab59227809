using System.Net;
using System.Net.Sockets;
using Chat.Garnet;
using Garnet;

namespace Chat.Testing;

/// <summary>A real Redis-protocol server (Garnet, in process) on a free loopback port, run as the AppHost runs it: password required.</summary>
public sealed class GarnetFixture : IRedisFixture
{
    private GarnetServer? _server;

    public GarnetFixture()
    {
        Port = FreePort();
        Start();
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

    /// <summary>Stops the server: every client connection drops, and what it held is gone.</summary>
    public void Stop()
    {
        _server?.Dispose();
        _server = null;
    }

    /// <summary>Starts an empty server on the same port, as a restarted Redis would come back.</summary>
    public void Start()
    {
        _server ??= new GarnetServer(EmbeddedRedisArguments.For(Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Password));
        _server.Start();
    }

    public void Dispose() => Stop();
}
