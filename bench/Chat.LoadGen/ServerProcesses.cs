using System.Runtime.InteropServices;

namespace Chat.LoadGen;

/// <summary>What a process of the running system is: one of the six Chat services, or the machinery that runs them.</summary>
public enum ProcessKind
{
    Service,
    Dashboard,
    /// <summary>Aspire's orchestrator, DCP: its API server, its controllers and one <c>monitor-process</c> per resource.</summary>
    Dcp,
    /// <summary>The AppHost itself and the <c>dotnet run</c> launchers DCP starts each project through.</summary>
    Host,
}

/// <summary>CPU time and resident memory of one process, read from /proc.</summary>
public readonly record struct ProcessSample(int Pid, string Name, ProcessKind Kind, double CpuSeconds, long RssBytes);

/// <summary>One process the run charges to the system under test.</summary>
public sealed record ServerProcess(int Pid, string Name, ProcessKind Kind);

/// <summary>
/// Every process of the running system whose CPU and memory a run charges to it, read from /proc: the six services,
/// the Aspire dashboard, DCP and the AppHost with its launchers, found through this checkout's AppHost.
/// </summary>
public sealed class ServerProcesses
{
    private static readonly string[] ServiceNames = ["Chat.Identity", "Chat.Messaging", "Chat.Presence", "Chat.Media", "Chat.Gateway", "Chat.Garnet"];
    private static readonly double TicksPerSecond = ClockTicksPerSecond();

    private ServerProcesses(IReadOnlyList<ServerProcess> processes, string how)
    {
        Processes = processes;
        How = how;
    }

    public IReadOnlyList<ServerProcess> Processes { get; }

    /// <summary>How the processes were found, for the log.</summary>
    public string How { get; }

    public IEnumerable<ServerProcess> Services => Processes.Where(p => p.Kind == ProcessKind.Service);

    /// <summary>
    /// The given pids; else this checkout's AppHost (the one whose command line names <paramref name="dataDirectory"/>, or
    /// the gateway port of <paramref name="api"/>) and everything DCP runs for it: DCP's API server monitors the AppHost,
    /// its controllers monitor the API server, and every resource runs in the controllers' session. Without an AppHost,
    /// the Chat services of this checkout and every dashboard and DCP process on the machine.
    /// </summary>
    public static ServerProcesses Find(int[]? pids, string match, string? dataDirectory, Uri api)
    {
        var all = ProcInfo.ReadAll();
        if (pids is { Length: > 0 })
        {
            return new ServerProcesses(pids.Select(pid => Classify(all.GetValueOrDefault(pid) ?? new ProcInfo(pid, 0, 0, string.Empty))).ToArray(), "given pids");
        }

        var hosts = all.Values.Where(p => IsAppHost(p.CommandLine) && p.CommandLine.Contains(match, StringComparison.Ordinal)).ToList();
        if (dataDirectory is not null)
        {
            hosts = hosts.Where(p => p.CommandLine.Contains(dataDirectory.TrimEnd('/'), StringComparison.Ordinal)).ToList();
        }
        else if (hosts.Count > 1 && hosts.Where(p => p.CommandLine.Contains($"Gateway:Port={api.Port}", StringComparison.Ordinal)).ToList() is { Count: > 0 } byPort)
        {
            hosts = byPort;
        }

        var hostPids = hosts.Select(p => p.Pid).ToHashSet();
        var apiServers = all.Values.Where(p => IsDcp(p.CommandLine) && MonitoredPid(p.CommandLine) is { } m && hostPids.Contains(m)).ToList();
        var apiServerPids = apiServers.Select(p => p.Pid).ToHashSet();
        var controllers = all.Values.Where(p => IsDcp(p.CommandLine) && MonitoredPid(p.CommandLine) is { } m && apiServerPids.Contains(m)).ToList();
        if (controllers.Count > 0)
        {
            var sessions = controllers.Select(p => p.Sid).ToHashSet();
            var members = new Dictionary<int, ProcInfo>();
            foreach (var p in all.Values.Where(p => sessions.Contains(p.Sid)).Concat(apiServers).Concat(hosts))
            {
                members[p.Pid] = p;
            }
            // The AppHost's own launcher (`dotnet run --project Chat.AppHost`) belongs to the system too.
            foreach (var host in hosts)
            {
                if (all.GetValueOrDefault(host.ParentPid) is { } parent && IsLauncher(parent.CommandLine))
                {
                    members[parent.Pid] = parent;
                }
            }
            members.Remove(Environment.ProcessId);
            return new ServerProcesses(members.Values.Select(Classify).OrderBy(p => p.Kind).ThenBy(p => p.Name).ToArray(),
                $"AppHost {string.Join(",", hostPids)} and DCP session {string.Join(",", sessions)}");
        }

        var fallback = all.Values
            .Where(p => p.Pid != Environment.ProcessId)
            .Select(Classify)
            .Where(p => p.Kind is ProcessKind.Dashboard or ProcessKind.Dcp
                || (p.Kind == ProcessKind.Service && all[p.Pid].CommandLine.Contains(match, StringComparison.Ordinal)))
            .ToArray();
        return new ServerProcesses(fallback, "no AppHost of this checkout found: this checkout's services and every dashboard and DCP process on the machine");
    }

    /// <summary>The first Messaging replica's own HTTP address (from its ASPNETCORE_URLS), to bypass the gateway.</summary>
    public Uri? FindMessagingAddress()
    {
        var urls = MessagingEnvironment("ASPNETCORE_URLS");
        var http = urls?.Split(';').FirstOrDefault(u => u.StartsWith("http://", StringComparison.Ordinal));
        return http is null ? null : new Uri(http.Replace("localhost", "127.0.0.1", StringComparison.Ordinal).Replace("+", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>Messaging's SQLite file, from the first replica's <c>Messaging__DataDirectory</c>.</summary>
    public string? FindMessagingDatabase() =>
        MessagingEnvironment("Messaging__DataDirectory") is { } directory ? Path.Combine(directory, "messaging.db") : null;

    private string? MessagingEnvironment(string variable)
    {
        foreach (var process in Services.Where(p => p.Name == "Chat.Messaging"))
        {
            var environment = File.ReadAllText($"/proc/{process.Pid}/environ").Split('\0');
            if (environment.FirstOrDefault(e => e.StartsWith(variable + "=", StringComparison.Ordinal)) is { } entry)
            {
                return entry[(variable.Length + 1)..];
            }
        }
        return null;
    }

    public IReadOnlyList<ProcessSample> Sample()
    {
        var samples = new List<ProcessSample>();
        foreach (var process in Processes)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{process.Pid}/stat");
                // Fields after the parenthesised command: state is field 3, utime field 14, stime field 15.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var cpu = (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
                var rssLine = File.ReadLines($"/proc/{process.Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                var rssKb = long.Parse(rssLine["VmRSS:".Length..].Trim().Split(' ')[0]);
                samples.Add(new ProcessSample(process.Pid, process.Name, process.Kind, cpu, rssKb * 1024));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // The process ended; it contributes nothing to this sample.
            }
        }
        return samples;
    }

    public static readonly ProcessKind[] ServiceKinds = [ProcessKind.Service];

    /// <summary>The Aspire dashboard and DCP: the share of the server's CPU that is not Chat's own work.</summary>
    public static readonly ProcessKind[] PlatformKinds = [ProcessKind.Dashboard, ProcessKind.Dcp];

    public static readonly ProcessKind[] HostKinds = [ProcessKind.Host];

    public static double CpuSeconds(IReadOnlyList<ProcessSample> samples, ProcessKind[] kinds) =>
        samples.Where(s => kinds.Contains(s.Kind)).Sum(s => s.CpuSeconds);

    public static long RssBytes(IReadOnlyList<ProcessSample> samples, ProcessKind[] kinds) =>
        samples.Where(s => kinds.Contains(s.Kind)).Sum(s => s.RssBytes);

    private static ServerProcess Classify(ProcInfo process)
    {
        var commandLine = process.CommandLine;
        if (ServiceName(commandLine) is { } service)
        {
            return new ServerProcess(process.Pid, service, ProcessKind.Service);
        }
        if (commandLine.Contains("Aspire.Dashboard", StringComparison.Ordinal) && !IsDcp(commandLine))
        {
            return new ServerProcess(process.Pid, "Aspire.Dashboard", ProcessKind.Dashboard);
        }
        var parts = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (IsDcp(commandLine))
        {
            return new ServerProcess(process.Pid, parts.Length > 1 ? $"dcp {parts[1]}" : "dcp", ProcessKind.Dcp);
        }
        if (IsAppHost(commandLine))
        {
            return new ServerProcess(process.Pid, "Chat.AppHost", ProcessKind.Host);
        }
        var project = Array.IndexOf(parts, "--project") is var at and >= 0 && at + 1 < parts.Length ? Path.GetFileName(parts[at + 1].TrimEnd('/')).Replace(".csproj", "", StringComparison.Ordinal) : null;
        return new ServerProcess(process.Pid, IsLauncher(commandLine) ? $"dotnet run {project}" : Path.GetFileName(parts.FirstOrDefault() ?? $"pid {process.Pid}"), ProcessKind.Host);
    }

    private static string? ServiceName(string commandLine)
    {
        if (commandLine.Contains("Chat.AppHost", StringComparison.Ordinal) || commandLine.Contains("Chat.LoadGen", StringComparison.Ordinal) || IsLauncher(commandLine))
        {
            return null;
        }
        // The executable path names the service; arguments (a data directory, say) must not.
        var candidate = Executable(commandLine);
        return ServiceNames.FirstOrDefault(n => Path.GetFileName(candidate).StartsWith(n, StringComparison.Ordinal));
    }

    /// <summary>The program a command line runs: the dll for <c>dotnet x.dll</c>.</summary>
    private static string Executable(string commandLine)
    {
        var parts = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return string.Empty;
        }
        return parts[0].EndsWith("dotnet", StringComparison.Ordinal) && parts.Length > 1 ? parts[1] : parts[0];
    }

    private static bool IsAppHost(string commandLine) =>
        Path.GetFileName(Executable(commandLine)) is "Chat.AppHost" or "Chat.AppHost.dll";

    private static bool IsLauncher(string commandLine) =>
        commandLine.Split(' ', 3) is [var dotnet, "run", ..] && dotnet.EndsWith("dotnet", StringComparison.Ordinal);

    private static bool IsDcp(string commandLine) => Path.GetFileName(Executable(commandLine)) is "dcp" or "dcpctrl" or "dcpproc";

    /// <summary>The pid after <c>--monitor</c>: the process a DCP process lives and dies with.</summary>
    private static int? MonitoredPid(string commandLine)
    {
        var parts = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.IndexOf(parts, "--monitor");
        return at >= 0 && at + 1 < parts.Length && int.TryParse(parts[at + 1], out var pid) ? pid : null;
    }

    private sealed record ProcInfo(int Pid, int ParentPid, int Sid, string CommandLine)
    {
        public static Dictionary<int, ProcInfo> ReadAll()
        {
            var all = new Dictionary<int, ProcInfo>();
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), out var pid))
                {
                    continue;
                }
                try
                {
                    var stat = File.ReadAllText($"/proc/{pid}/stat");
                    // After the command: state, ppid, pgrp, session.
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').TrimEnd();
                    all[pid] = new ProcInfo(pid, int.Parse(fields[1]), int.Parse(fields[3]), commandLine);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Gone while listing.
                }
            }
            return all;
        }
    }

    private static double ClockTicksPerSecond()
    {
        const int ScClkTck = 2;
        try
        {
            var ticks = SysConf(ScClkTck);
            return ticks > 0 ? ticks : 100;
        }
        catch (DllNotFoundException)
        {
            return 100;
        }
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);
}
