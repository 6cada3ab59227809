namespace Chat.Testing;

/// <summary>A Redis-protocol server a test can point a service at: Garnet in process, or a real redis-server.</summary>
public interface IRedisFixture : IDisposable
{
    string ConnectionString { get; }
}
