using System.Runtime.InteropServices;

namespace Chat.LoadGen;

/// <summary>CPU time and resident memory of one process, read from /proc.</summary>
public readonly record struct ProcessSample(int Pid, string Name, double CpuSeconds, long RssBytes);

/// <summary>The Chat server processes whose CPU and memory a run charges to the system under test, read from /proc.</summary>
public sealed class ServerProcesses
{
    private static readonly string[] ServiceNames = ["Chat.Identity", "Chat.Messaging", "Chat.Presence", "Chat.Media", "Chat.Gateway", "Chat.Garnet"];
    private static readonly double TicksPerSecond = ClockTicksPerSecond();

    private readonly IReadOnlyDictionary<int, string> _processes;

    private ServerProcesses(IReadOnlyDictionary<int, string> processes) => _processes = processes;

    public IReadOnlyDictionary<int, string> Processes => _processes;

    /// <summary>The given pids, or every running Chat service process whose command line contains <paramref name="match"/>.</summary>
    public static ServerProcesses Find(int[]? pids, string match)
    {
        var found = new Dictionary<int, string>();
        if (pids is { Length: > 0 })
        {
            foreach (var pid in pids)
            {
                found[pid] = NameOf(ReadCommandLine(pid) ?? string.Empty) ?? $"pid {pid}";
            }
            return new ServerProcesses(found);
        }
        var self = Environment.ProcessId;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == self)
            {
                continue;
            }
            var commandLine = ReadCommandLine(pid);
            if (commandLine is not null && commandLine.Contains(match, StringComparison.Ordinal) && NameOf(commandLine) is { } name)
            {
                found[pid] = name;
            }
        }
        return new ServerProcesses(found);
    }

    /// <summary>The first Messaging replica's own HTTP address (from its ASPNETCORE_URLS), to bypass the gateway.</summary>
    public Uri? FindMessagingAddress()
    {
        foreach (var (pid, name) in _processes)
        {
            if (name != "Chat.Messaging")
            {
                continue;
            }
            var environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
            var urls = environment.FirstOrDefault(e => e.StartsWith("ASPNETCORE_URLS=", StringComparison.Ordinal))?["ASPNETCORE_URLS=".Length..];
            var http = urls?.Split(';').FirstOrDefault(u => u.StartsWith("http://", StringComparison.Ordinal));
            if (http is not null)
            {
                return new Uri(http.Replace("localhost", "127.0.0.1", StringComparison.Ordinal).Replace("+", "127.0.0.1", StringComparison.Ordinal));
            }
        }
        return null;
    }

    public IReadOnlyList<ProcessSample> Sample()
    {
        var samples = new List<ProcessSample>();
        foreach (var (pid, name) in _processes)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                // Fields after the parenthesised command: state is field 3, utime field 14, stime field 15.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var cpu = (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
                var rssLine = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                var rssKb = long.Parse(rssLine["VmRSS:".Length..].Trim().Split(' ')[0]);
                samples.Add(new ProcessSample(pid, name, cpu, rssKb * 1024));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended; it contributes nothing to this sample.
            }
        }
        return samples;
    }

    public static double CpuSeconds(IReadOnlyList<ProcessSample> samples) => samples.Sum(s => s.CpuSeconds);

    public static long RssBytes(IReadOnlyList<ProcessSample> samples) => samples.Sum(s => s.RssBytes);

    private static string? ReadCommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? NameOf(string commandLine)
    {
        if (commandLine.Contains("Chat.AppHost", StringComparison.Ordinal) || commandLine.Contains("Chat.LoadGen", StringComparison.Ordinal))
        {
            return null;
        }
        // The executable path names the service; arguments (a data directory, say) must not.
        var executable = commandLine.Split(' ', 2)[0];
        var candidate = executable.EndsWith("dotnet", StringComparison.Ordinal) && commandLine.Split(' ') is { Length: > 1 } parts ? parts[1] : executable;
        return ServiceNames.FirstOrDefault(n => Path.GetFileName(candidate).StartsWith(n, StringComparison.Ordinal));
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
