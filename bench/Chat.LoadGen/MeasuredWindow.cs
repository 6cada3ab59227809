using System.Diagnostics;

namespace Chat.LoadGen;

/// <summary>
/// Server CPU and memory between two samples, split three ways: the six services, the dashboard with DCP (the
/// platform), and the AppHost with the <c>dotnet run</c> launchers; and the load generator's own CPU beside them.
/// </summary>
public sealed record MeasuredWindow(IReadOnlyList<ProcessSample> Before, IReadOnlyList<ProcessSample> After, double Seconds, double LoadGenCpu)
{
    public double ServiceCpu => Delta(ServerProcesses.ServiceKinds);

    public double PlatformCpu => Delta(ServerProcesses.PlatformKinds);

    public double HostCpu => Delta(ServerProcesses.HostKinds);

    public double TotalCpu => ServiceCpu + PlatformCpu + HostCpu;

    /// <summary>The dashboard's and DCP's part of all server CPU, in percent.</summary>
    public double PlatformShare => TotalCpu <= 0 ? 0 : Math.Round(PlatformCpu / TotalCpu * 100, 1);

    public IReadOnlyList<ProcessUsage> Usage => After.Select(a =>
    {
        var b = Before.FirstOrDefault(s => s.Pid == a.Pid);
        return new ProcessUsage(a.Name, a.Pid, a.Kind, Math.Round(a.CpuSeconds - b.CpuSeconds, 3), Math.Round(a.RssBytes / 1048576.0, 1),
            Math.Round((a.RssBytes - b.RssBytes) / 1048576.0, 1));
    }).ToArray();

    /// <summary>Per process, so a process that ended in the window takes nothing away from the others.</summary>
    private double Delta(ProcessKind[] kinds) => After.Where(a => kinds.Contains(a.Kind))
        .Sum(a => a.CpuSeconds - Before.FirstOrDefault(b => b.Pid == a.Pid).CpuSeconds);

    public static async Task<MeasuredWindow> MeasureAsync(ServerProcesses servers, TimeSpan duration, CancellationToken cancellationToken)
    {
        var window = Start(servers);
        await Task.Delay(duration, cancellationToken);
        return window.End();
    }

    public static Open Start(ServerProcesses servers) =>
        new(servers, servers.Sample(), Process.GetCurrentProcess().TotalProcessorTime, Stopwatch.GetTimestamp());

    /// <summary>A window whose end is not known in advance (a reconnect storm ends when the last client is back).</summary>
    public sealed record Open(ServerProcesses Servers, IReadOnlyList<ProcessSample> Before, TimeSpan LoadGenBefore, long StartedAt)
    {
        public MeasuredWindow End()
        {
            var after = Servers.Sample();
            var loadGenCpu = (Process.GetCurrentProcess().TotalProcessorTime - LoadGenBefore).TotalSeconds;
            return new MeasuredWindow(Before, after, Stopwatch.GetElapsedTime(StartedAt).TotalSeconds, loadGenCpu);
        }
    }
}
