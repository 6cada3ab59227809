using BenchmarkDotNet.Attributes;
using Chat.Messaging.Hubs;

namespace Chat.Benchmarks;

/// <summary>
/// Resolving who a group message goes to: SignalR addresses users by string, so every send to a 50-member group turns
/// 50 ids into strings (<c>UserIds.ToStrings</c>) before <c>Clients.Users</c> publishes once per user on the backplane.
/// </summary>
[MemoryDiagnoser]
public class FanOutTargetBenchmarks
{
    private readonly long[] _members = Enumerable.Range(0, 50).Select(i => 1_000_000L + i * 7919).ToArray();

    [Benchmark]
    public IReadOnlyList<string> ToStringsFor50Members() => UserIds.ToStrings(_members);
}
