using Chat.Mongo;
using Chat.Testing;
using Chat.Messaging.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Messaging.Tests;

/// <summary>The stores of one messaging database, as one Messaging replica opens them.</summary>
public sealed record MessagingStores(IConversationStore Conversations, IMessageStore Messages, IBlockStore Blocks, IMediaOutbox Outbox);

/// <summary>
/// One empty messaging database on one engine, for the contract suites: every call to <see cref="Open"/> is another
/// replica over the same database. The Mongo engine is only made by suites marked with
/// <see cref="RequiresEnvironmentVariableAttribute"/>, whose tests are skipped (never constructed) without it.
/// </summary>
public interface IMessagingEngine : IDisposable
{
    MessagingStores Open(TimeProvider time);
}

public sealed class SqliteMessagingEngine : IMessagingEngine
{
    public string Path { get; } = SqliteTesting.NewDatabasePath("messaging.db");

    public MessagingStores Open(TimeProvider time)
    {
        var database = new MessagingDatabase(Path);
        return new MessagingStores(new SqliteConversationStore(database, time), new SqliteMessageStore(database, time),
            new SqliteBlockStore(database), new SqliteMediaOutbox(database));
    }

    /// <summary>Runs SQL on the file behind the stores' backs (a trigger, a corrupt row): for tests of SQLite alone.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await new MessagingDatabase(Path).Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
    }
}

public sealed class MongoMessagingEngine : IMessagingEngine
{
    private readonly MongoTestDatabase _mongo = new("chat-messaging-test");

    public MessagingStores Open(TimeProvider time)
    {
        var database = new MongoMessagingDatabase(_mongo.Client, _mongo.Database, new MongoIdSequences(_mongo.Database));
        return new MessagingStores(new MongoConversationStore(database, time), new MongoMessageStore(database, time),
            new MongoBlockStore(database), new MongoMediaOutbox(database));
    }

    public void Dispose() => _mongo.Dispose();
}

/// <summary>The frame of every messaging contract suite: an engine, a clock, and stores on it.</summary>
public abstract class MessagingContract(IMessagingEngine engine) : IDisposable
{
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    protected IMessagingEngine Engine { get; } = engine;

    /// <summary>The stores of one replica over this suite's database.</summary>
    protected MessagingStores Stores() => Engine.Open(Clock);

    public void Dispose()
    {
        Engine.Dispose();
        GC.SuppressFinalize(this);
    }
}
