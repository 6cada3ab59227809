using BenchmarkDotNet.Attributes;
using Chat.Messaging.Storage;

namespace Chat.Benchmarks;

/// <summary>
/// Sequence allocation and append in the SQLite message store: one transaction per message (BEGIN IMMEDIATE,
/// membership read, idempotency read, seq bump, insert), alone and with many senders queuing on the write lock.
/// </summary>
[MemoryDiagnoser]
public class MessageAppendBenchmarks
{
    private const int ConcurrentSenders = 16;

    private string _directory = null!;
    private SqliteMessageStore _messages = null!;
    private long[] _conversations = null!;
    private long _next;

    [GlobalSetup]
    public async Task SetUpAsync()
    {
        _directory = Directory.CreateTempSubdirectory("chat-bench-").FullName;
        var database = new MessagingDatabase(Path.Combine(_directory, "messaging.db"));
        var conversations = new SqliteConversationStore(database, TimeProvider.System);
        _messages = new SqliteMessageStore(database, TimeProvider.System);
        _conversations = new long[ConcurrentSenders];
        for (var i = 0; i < ConcurrentSenders; i++)
        {
            _conversations[i] = (await conversations.GetOrCreateDirectAsync(2 * i + 1, 2 * i + 2, CancellationToken.None)).Id;
        }
    }

    [GlobalCleanup]
    public void CleanUp() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Description = "append: one sender, one message per transaction")]
    public Task<AppendResult> AppendOne() => AppendAsync(0);

    [Benchmark(OperationsPerInvoke = ConcurrentSenders, Description = "append: 16 concurrent senders in 16 conversations (per message)")]
    public Task AppendConcurrently() => Task.WhenAll(Enumerable.Range(0, ConcurrentSenders).Select(AppendAsync));

    private Task<AppendResult> AppendAsync(int sender)
    {
        var id = Interlocked.Increment(ref _next);
        return _messages.AppendAsync(
            new NewMessage(_conversations[sender], 2 * sender + 1, $"c{id}", "a hundred characters of text, give or take, which is what a chat message usually is; x", []),
            CancellationToken.None);
    }
}
