using System.Diagnostics;

namespace Chat.System.Tests;

/// <summary>Finding and killing Messaging replica processes, as a crash would.</summary>
public static class ReplicaProcesses
{
    /// <summary>
    /// Kills the Messaging replica that serves the most live connections, wherever the proxy put them. The
    /// orchestrator's pid is the launcher; the service is its child, so the whole tree goes.
    /// </summary>
    public static async Task KillBusiestMessagingReplicaAsync(ChatApp app, int replicas = 2)
    {
        var processes = await app.GetMessagingReplicaProcessesAsync(replicas);
        using var victim = Process.GetProcessById(processes.Values.MaxBy(InboundConnections));
        victim.Kill(entireProcessTree: true);
        await victim.WaitForExitAsync();
    }

    /// <summary>Established TCP connections into the listening ports of the process or its children (from <c>ss</c>).</summary>
    public static int InboundConnections(int processId)
    {
        var owners = ProcessTree(processId).Select(pid => $"pid={pid},").ToArray();
        var listening = Ss("-tlnpH").Where(line => owners.Any(line.Contains)).Select(LocalPort).ToHashSet();
        return Ss("-tnpH").Count(line => owners.Any(line.Contains) && listening.Contains(LocalPort(line)));

        static string LocalPort(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3].Split(':')[^1];

        static string[] Ss(string arguments)
        {
            using var ss = Process.Start(new ProcessStartInfo("ss", arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
            var output = ss.StandardOutput.ReadToEnd();
            ss.WaitForExit();
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    private static IEnumerable<int> ProcessTree(int processId)
    {
        yield return processId;
        var children = $"/proc/{processId}/task/{processId}/children";
        if (!File.Exists(children))
        {
            yield break;
        }
        foreach (var child in File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var descendant in ProcessTree(int.Parse(child, global::System.Globalization.CultureInfo.InvariantCulture)))
            {
                yield return descendant;
            }
        }
    }

}
