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

    /// <summary>The inbound TCP connections of each Messaging replica now: take one before a client connects.</summary>
    public static async Task<IReadOnlyDictionary<int, IReadOnlySet<string>>> SnapshotMessagingReplicasAsync(ChatApp app, int replicas = 2)
    {
        var processes = await app.GetMessagingReplicaProcessesAsync(replicas);
        return processes.Values.ToDictionary(pid => pid, pid => (IReadOnlySet<string>)InboundPeers(pid).ToHashSet());
    }

    /// <summary>
    /// The Messaging replica that took the most new inbound connections since <paramref name="before"/>: the one the
    /// proxy gave a client that connected in between, whichever that was.
    /// </summary>
    public static int ReplicaThatTook(IReadOnlyDictionary<int, IReadOnlySet<string>> before) =>
        before.Keys.MaxBy(pid => InboundPeers(pid).Count(peer => !before[pid].Contains(peer)));

    /// <summary>
    /// Kills Messaging replicas as a crash would until <paramref name="connection"/> is cut: first the one that took the
    /// most connections since <paramref name="before"/>, then, if the connection is still open (the proxy had put it
    /// elsewhere), the next. Either way the replica this client was on has died without a goodbye.
    /// </summary>
    public static async Task KillMessagingReplicaOfAsync(
        IReadOnlyDictionary<int, IReadOnlySet<string>> before, Microsoft.AspNetCore.SignalR.Client.HubConnection connection)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        var first = ReplicaThatTook(before);
        foreach (var processId in before.Keys.OrderBy(pid => pid == first ? 0 : 1).ToArray())
        {
            await KillAsync(processId);
            if (await Task.WhenAny(closed.Task, Task.Delay(TimeSpan.FromSeconds(5))) == closed.Task)
            {
                return;
            }
        }
        throw new InvalidOperationException("The connection stayed open after every Messaging replica was killed.");
    }

    /// <summary>Kills a replica as a crash would: the launcher and the service under it, no goodbye.</summary>
    public static async Task KillAsync(int processId)
    {
        using var victim = Process.GetProcessById(processId);
        victim.Kill(entireProcessTree: true);
        await victim.WaitForExitAsync();
    }

    private static IEnumerable<string> InboundPeers(int processId)
    {
        var owners = ProcessTree(processId).Select(pid => $"pid={pid},").ToArray();
        var listening = Ss("-tlnpH").Where(line => owners.Any(line.Contains)).Select(line => Column(line, 3).Split(':')[^1]).ToHashSet();
        return Ss("-tnpH")
            .Where(line => owners.Any(line.Contains) && listening.Contains(Column(line, 3).Split(':')[^1]))
            .Select(line => Column(line, 4));
    }

    private static string Column(string line, int index) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[index];

    private static string[] Ss(string arguments)
    {
        using var ss = Process.Start(new ProcessStartInfo("ss", arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Established TCP connections into the listening ports of the process or its children (from <c>ss</c>).</summary>
    public static int InboundConnections(int processId) => InboundPeers(processId).Count();

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
