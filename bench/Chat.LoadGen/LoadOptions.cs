using System.Globalization;
using System.Net;

namespace Chat.LoadGen;

/// <summary>Everything a run is told on the command line (<c>--key value</c> or <c>--key=value</c>).</summary>
public sealed class LoadOptions
{
    public string Scenario { get; set; } = "direct";

    /// <summary>The gateway: users, tokens and conversations are always created through it (the public contract).</summary>
    public Uri Api { get; set; } = new("http://127.0.0.1:5080");

    /// <summary><c>gateway</c>, <c>messaging</c> (the first Messaging replica, found in /proc) or a URL: where hub connections and history reads go.</summary>
    public string Target { get; set; } = "gateway";

    public string Protocol { get; set; } = "json";

    /// <summary>Messages (or page reads) per second, in total; one measured step per rate.</summary>
    public int[] Rates { get; set; } = [1000];

    public int WarmupSeconds { get; set; } = 10;
    public int DurationSeconds { get; set; } = 20;

    /// <summary>How long after the last send receivers may still report deliveries before the missing ones count as lost.</summary>
    public int DrainSeconds { get; set; } = 5;

    public int Pairs { get; set; } = 100;
    public int Groups { get; set; } = 16;
    public int GroupSize { get; set; } = 50;

    /// <summary>Users the groups draw their members from (each group takes <see cref="GroupSize"/> of them in turn).</summary>
    public int GroupUsers { get; set; } = 200;

    public int Connections { get; set; } = 1000;

    /// <summary>Users the idle connections belong to (a user may hold many connections, like many devices).</summary>
    public int ConnectionUsers { get; set; } = 100;

    public int ConnectConcurrency { get; set; } = 32;
    public int HistoryMessages { get; set; } = 100_000;
    public int HistoryPageSize { get; set; } = 50;
    public int TextLength { get; set; } = 100;
    public int LargeLength { get; set; } = 100_000;
    public double LargeRate { get; set; } = 2;

    /// <summary>Sends not yet answered beyond which the generator stops sending and counts the rest as not sent.</summary>
    public int MaxInFlight { get; set; } = 50_000;

    /// <summary>Rate search: run <see cref="Rates"/> as an ascending ladder until two steps in a row fail, then bisect.</summary>
    public bool Search { get; set; }

    /// <summary>The search's time budget: no step starts that would end after it.</summary>
    public int SearchSeconds { get; set; } = 360;

    /// <summary>Bisection steps between the highest passing rate and the first failing one above it.</summary>
    public int Bisect { get; set; } = 2;

    /// <summary>A step passes when its delivery p99 is below this, and nothing was lost, duplicated, refused or left unsent.</summary>
    public double PassP99Ms { get; set; } = 50;

    /// <summary>The rate at which server CPU per message is reported (a step of the ladder, or one more step).</summary>
    public int? CpuRate { get; set; }

    /// <summary><c>hub</c>: fill the history conversation by sending; <c>sqlite</c>: insert rows into Messaging's file directly.</summary>
    public string HistoryFill { get; set; } = "hub";

    /// <summary>Messaging's SQLite file for <c>--history-fill sqlite</c> (default: from the Messaging process's environment).</summary>
    public string? MessagingDatabase { get; set; }

    /// <summary>Reconnect storm: users that keep sending to the dropped clients and are not dropped themselves.</summary>
    public int StormSenders { get; set; } = 20;

    /// <summary>Reconnect storm: how many dropped clients reconnect at a time (default: all at once).</summary>
    public int ReconnectConcurrency { get; set; } = 1000;

    /// <summary>The system's data directory: picks this run's AppHost among several.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>A file the run's summary lines are appended to.</summary>
    public string? Summary { get; set; }

    public int[]? ServerPids { get; set; }

    /// <summary>Server processes are Chat.* processes whose command line contains this (default: this repository's root).</summary>
    public string? ServerMatch { get; set; }

    public string? Out { get; set; }

    public bool UsesMessagePack => Protocol == "messagepack";

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{arg}'.");
            }
            string key, value;
            var equals = arg.IndexOf('=');
            if (equals > 0)
            {
                key = arg[2..equals];
                value = arg[(equals + 1)..];
            }
            else if (arg == "--search")
            {
                key = "search";
                value = "true";
            }
            else
            {
                key = arg[2..];
                value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"--{key} needs a value.");
            }
            options.Set(key, value);
        }
        options.Validate();
        return options;
    }

    private void Set(string key, string value)
    {
        switch (key)
        {
            case "scenario": Scenario = value; break;
            case "api": Api = new Uri(value); break;
            case "target": Target = value; break;
            case "protocol": Protocol = value; break;
            case "rates": case "rate": Rates = Ints(value); break;
            case "warmup": WarmupSeconds = Int(value); break;
            case "duration": DurationSeconds = Int(value); break;
            case "drain": DrainSeconds = Int(value); break;
            case "pairs": Pairs = Int(value); break;
            case "groups": Groups = Int(value); break;
            case "group-size": GroupSize = Int(value); break;
            case "group-users": GroupUsers = Int(value); break;
            case "connections": Connections = Int(value); break;
            case "connection-users": ConnectionUsers = Int(value); break;
            case "connect-concurrency": ConnectConcurrency = Int(value); break;
            case "history-messages": HistoryMessages = Int(value); break;
            case "page-size": HistoryPageSize = Int(value); break;
            case "text-length": TextLength = Int(value); break;
            case "large-length": LargeLength = Int(value); break;
            case "large-rate": LargeRate = double.Parse(value, CultureInfo.InvariantCulture); break;
            case "max-in-flight": MaxInFlight = Int(value); break;
            case "search": Search = bool.Parse(value); break;
            case "search-seconds": SearchSeconds = Int(value); break;
            case "bisect": Bisect = Int(value); break;
            case "pass-p99": PassP99Ms = double.Parse(value, CultureInfo.InvariantCulture); break;
            case "cpu-rate": CpuRate = Int(value); break;
            case "history-fill": HistoryFill = value; break;
            case "messaging-db": MessagingDatabase = value; break;
            case "storm-senders": StormSenders = Int(value); break;
            case "reconnect-concurrency": ReconnectConcurrency = Int(value); break;
            case "data-dir": DataDirectory = value; break;
            case "summary": Summary = value; break;
            case "server-pids": ServerPids = Ints(value); break;
            case "server-match": ServerMatch = value; break;
            case "out": Out = value; break;
            default: throw new ArgumentException($"Unknown option --{key}.");
        }
    }

    private void Validate()
    {
        if (Scenario is not ("direct" or "group" or "connections" or "history" or "large" or "storm"))
        {
            throw new ArgumentException("--scenario is direct, group, connections, history, large or storm.");
        }
        if (HistoryFill is not ("hub" or "sqlite"))
        {
            throw new ArgumentException("--history-fill is hub or sqlite.");
        }
        if (Search && (Scenario is not ("direct" or "group") || SearchSeconds is < 1 or > 3600 || Bisect is < 0 or > 10))
        {
            throw new ArgumentException("--search is for direct and group, with --search-seconds 1..3600 and --bisect 0..10.");
        }
        if (Rates.Length == 0 || Rates.Any(r => r <= 0) || StormSenders < 1 || ReconnectConcurrency < 1)
        {
            throw new ArgumentException("--rates, --storm-senders and --reconnect-concurrency are positive.");
        }
        if (Protocol is not ("json" or "messagepack"))
        {
            throw new ArgumentException("--protocol is json or messagepack.");
        }
        if (GroupUsers < GroupSize || GroupSize < 2)
        {
            throw new ArgumentException("--group-users must be at least --group-size, which is at least 2.");
        }
        if (DurationSeconds < 1 || DurationSeconds > 600 || WarmupSeconds < 0 || WarmupSeconds > 120)
        {
            throw new ArgumentException("--duration is 1..600 seconds, --warmup 0..120: every run stops by itself.");
        }
        RequireLoopback(Api);
        if (Uri.TryCreate(Target, UriKind.Absolute, out var target))
        {
            RequireLoopback(target);
        }
    }

    /// <summary>A load generator must never be pointed at someone else's machine.</summary>
    public static void RequireLoopback(Uri uri)
    {
        var loopback = uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address));
        if (!loopback)
        {
            throw new ArgumentException($"{uri} is not a loopback address; the load generator only talks to 127.0.0.1.");
        }
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static int[] Ints(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Int).ToArray();
}
