using Chat.LoadGen;

var options = LoadOptions.Parse(args);
// Every run ends by itself: setup, warm-up, measurement and drain of every step, then a hard stop.
var steps = options.Rates.Length + (options.Search ? options.Bisect : 0) + (options.CpuRate is null ? 0 : 1);
using var hardStop = new CancellationTokenSource(TimeSpan.FromMinutes(10)
    + steps * TimeSpan.FromSeconds(options.WarmupSeconds + options.DurationSeconds + options.DrainSeconds + 60));
Console.CancelKeyPress += (_, e) => { e.Cancel = true; hardStop.Cancel(); };

var servers = ServerProcesses.Find(options.ServerPids, options.ServerMatch ?? RepositoryRoot(), options.DataDirectory, options.Api);
LoadRun.Log($"server processes ({servers.How}):");
foreach (var kind in servers.Processes.GroupBy(p => p.Kind))
{
    LoadRun.Log($"  {kind.Key}: {string.Join(", ", kind.Select(p => $"{p.Name} ({p.Pid})"))}");
}
var (target, targetName) = options.Target switch
{
    "gateway" => (options.Api, "gateway"),
    "messaging" => (servers.FindMessagingAddress() ?? throw new InvalidOperationException("No running Chat.Messaging process with ASPNETCORE_URLS found."), "messaging"),
    var url => (new Uri(url), "url"),
};
LoadOptions.RequireLoopback(target);

var run = new LoadRun(options, servers, target, targetName);
try
{
    await run.RunAsync(hardStop.Token);
}
finally
{
    if (options.Out is not null && run.Results.Count > 0)
    {
        await Report.WriteJsonAsync(options.Out, options, run.Results);
        LoadRun.Log($"wrote {options.Out}");
    }
    await Report.WriteSummaryAsync(options.Summary);
}
return 0;

// The processes to measure are the ones built from this checkout, not another copy's.
static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Chat.sln")))
        {
            return directory.FullName + Path.DirectorySeparatorChar;
        }
    }
    return "Chat.";
}
