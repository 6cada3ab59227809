using System.Diagnostics;
using System.Net.Sockets;

namespace Chat.Testing;

/// <summary>Waiting for a server process the tests started to accept connections on its loopback port.</summary>
public static class LoopbackServer
{
    /// <summary>Returns once <paramref name="port"/> accepts a connection; throws if the process exits or the time runs out.</summary>
    public static void WaitUntilListening(Process process, int port, string name, TimeSpan patience)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < patience)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with code {process.ExitCode} before listening on port {port}.");
            }
            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(25);
            }
        }
        throw new InvalidOperationException($"{name} did not listen on port {port} within {patience.TotalSeconds:0} seconds.");
    }
}
