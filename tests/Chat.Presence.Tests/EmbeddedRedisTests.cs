using Chat.Testing;
using StackExchange.Redis;

namespace Chat.Presence.Tests;

/// <summary>The embedded Redis role, run with the AppHost's arguments, serves only clients that know its password.</summary>
public sealed class EmbeddedRedisTests : IDisposable
{
    private readonly GarnetFixture _garnet = new();

    public void Dispose() => _garnet.Dispose();

    [Fact]
    public async Task AConnectionWithoutThePasswordIsRefusedAndOneWithItServed()
    {
        await using var without = await ConnectionMultiplexer.ConnectAsync($"{_garnet.ConnectionStringWithoutPassword},connectTimeout=2000");
        await using var with = await ConnectionMultiplexer.ConnectAsync(_garnet.ConnectionString);

        await Assert.ThrowsAnyAsync<RedisException>(() => without.GetDatabase().StringSetAsync("chat:probe", "x"));
        Assert.True(await with.GetDatabase().StringSetAsync("chat:probe", "x"));
    }

    [Fact]
    public void TheEmbeddedRoleDoesNotStartWithoutAPassword() =>
        Assert.Throws<ArgumentException>(() => Chat.Garnet.EmbeddedRedisArguments.For("6379", ""));
}
