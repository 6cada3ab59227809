using System.Diagnostics;
using System.Net.Sockets;

namespace Chat.Testing;

/// <summary>Server processes the tests start on a loopback port: start, wait until they accept connections, stop.</summary>
public static class LoopbackServer
{
    /// <summary>Starts the server with its output drained and returns once it listens; a server that never does is stopped.</summary>
    public static Process Start(string fileName, IEnumerable<string> arguments, int port, string name, TimeSpan patience)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            WaitUntilListening(process, port, name, patience);
            return process;
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    public static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        process.Dispose();
    }

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
