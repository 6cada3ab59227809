using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Messaging.Tests;

public sealed class MessagesApiTests(MessagingFixture fixture) : IClassFixture<MessagingFixture>
{
    [Fact]
    public async Task SentMessagesComeBackInHistoryInSeqOrderStartingAtOne()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        using var alice = fixture.Messaging.ClientFor(a);
        using var bob = fixture.Messaging.ClientFor(b);

        var first = await SendAsync(alice, conversationId, "c1", "hello");
        var second = await SendAsync(bob, conversationId, "c2", "hi back");

        Assert.Equal(1, first.GetProperty("seq").GetInt64());
        Assert.Equal(2, second.GetProperty("seq").GetInt64());
        var page = await bob.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages");
        var messages = page.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal([1L, 2L], messages.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.Equal("hello", messages[0].GetProperty("text").GetString());
        Assert.Equal(a.Id, messages[0].GetProperty("senderId").GetInt64());
        Assert.Equal("c2", messages[1].GetProperty("clientMessageId").GetString());
    }

    [Fact]
    public async Task HistoryPagesBeforeAndAfterASeq()
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        using var client = fixture.Messaging.ClientFor(a);
        for (var i = 1; i <= 10; i++)
        {
            await SendAsync(client, conversationId, $"p{i}", $"message {i}");
        }

        var newest = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages?limit=3");
        var older = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages?before=8&limit=3");
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages?after=8");

        Assert.Equal([8L, 9L, 10L], Seqs(newest));
        Assert.True(newest.GetProperty("hasMore").GetBoolean());
        Assert.Equal([5L, 6L, 7L], Seqs(older));
        Assert.Equal([9L, 10L], Seqs(after));
        Assert.False(after.GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task ARetriedSendReturnsTheOriginalSeqAndStoresNothingTwice()
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        using var client = fixture.Messaging.ClientFor(a);

        using var first = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = "retry-me", text = "once" });
        using var retry = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = "retry-me", text = "once" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(
            (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("seq").GetInt64(),
            (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("seq").GetInt64());
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages");
        Assert.Single(page.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task ConcurrentSendersGetStrictlyIncreasingSeqsWithNoGaps()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        using var alice = fixture.Messaging.ClientFor(a);
        using var bob = fixture.Messaging.ClientFor(b);

        var seqs = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
            (await SendAsync(i % 2 == 0 ? alice : bob, conversationId, $"race-{i}", $"message {i}")).GetProperty("seq").GetInt64()));

        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), seqs.Order());
        var page = await alice.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages?after=0&limit=100");
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), Seqs(page));
    }

    [Fact]
    public async Task AMessageOfExactlyTheLimitIsAcceptedAndOneCharacterMoreIsRejectedWithNothingStored()
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        using var client = fixture.Messaging.ClientFor(a);

        using var tooLong = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages",
            new { clientMessageId = "long", text = new string('x', 100_001) });
        var atLimit = await SendAsync(client, conversationId, "limit", new string('y', 100_000));

        await AssertProblemAsync(tooLong, HttpStatusCode.BadRequest, "message-too-long");
        Assert.Equal(1, atLimit.GetProperty("seq").GetInt64());
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages");
        Assert.Equal(100_000, Assert.Single(page.GetProperty("messages").EnumerateArray()).GetProperty("text").GetString()!.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    public async Task AnEmptyMessageIsRejected(string text)
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        using var client = fixture.Messaging.ClientFor(a);

        using var response = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = "empty", text });

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "empty-message");
    }

    [Fact]
    public async Task AStrangerCanNeitherReadNorWriteSomeoneElsesConversation()
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        using var owner = fixture.Messaging.ClientFor(a);
        await SendAsync(owner, conversationId, "secret", "for our eyes only");
        var stranger = await fixture.Identity.CreateUserAsync();
        using var client = fixture.Messaging.ClientFor(stranger);

        using var read = await client.GetAsync($"/api/conversations/{conversationId}/messages");
        using var write = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = "x", text = "intrusion" });

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, write.StatusCode);
        Assert.DoesNotContain("for our eyes only", await read.Content.ReadAsStringAsync());
        var page = await owner.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages");
        Assert.Single(page.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task ATokenSignedByAForeignKeyIsRejected()
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        using var foreignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "chat-identity",
            Audience = "chat",
            Expires = DateTime.UtcNow.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["sub"] = a.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(foreignKey) { KeyId = "foreign" }, SecurityAlgorithms.EcdsaSha256),
        });
        using var client = fixture.Messaging.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);

        using var response = await client.GetAsync($"/api/conversations/{conversationId}/messages");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AnExpiredTokenIsRejected()
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        var expired = fixture.Identity.CreateAccessToken(a.Id, DateTimeOffset.UtcNow.AddHours(-1), TimeSpan.FromMinutes(15));
        using var client = fixture.Messaging.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", expired);

        using var response = await client.GetAsync($"/api/conversations/{conversationId}/messages");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<JsonElement> SendAsync(HttpClient client, long conversationId, string clientMessageId, string text)
    {
        using var response = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId, text });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static IEnumerable<long> Seqs(JsonElement page) =>
        page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).ToArray();
}
