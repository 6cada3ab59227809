using System.Net.Http.Json;
using System.Text.Json;
using Chat.Messaging.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Messaging.Tests;

/// <summary>Messaging with a 90-day retention period on a clock the test moves.</summary>
public sealed class RetentionFixture : MessagingFixture
{
    public static readonly FakeTimeProvider Clock = new(DateTimeOffset.UtcNow);

    public RetentionFixture()
        : base(messaging => messaging
            .Set("Messaging:RetentionDays", 90)
            .Set("Messaging:RetentionBatchSize", 2)
            .Set("Messaging:RetentionSweepInterval", TimeSpan.FromDays(1))
            .Clock(Clock))
    {
    }
}

public sealed class RetentionTests(RetentionFixture fixture) : IClassFixture<RetentionFixture>
{
    [Fact]
    public async Task MessagesOlderThanTheRetentionPeriodArePrunedAndNewerOnesKept()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        for (var i = 1; i <= 3; i++)
        {
            await fixture.SendAsync(a, conversationId, $"old {i}");
        }
        RetentionFixture.Clock.Advance(TimeSpan.FromDays(91));
        // Messaging checks token lifetimes on its own clock, now 91 days on: the users log in again.
        a = a with { AccessToken = fixture.Identity.CreateAccessToken(a.Id, RetentionFixture.Clock.GetUtcNow(), TimeSpan.FromMinutes(15)) };
        b = b with { AccessToken = fixture.Identity.CreateAccessToken(b.Id, RetentionFixture.Clock.GetUtcNow(), TimeSpan.FromMinutes(15)) };
        var fresh = await fixture.SendAsync(b, conversationId, "fresh");

        await fixture.Messaging.Services.GetRequiredService<RetentionService>().SweepAsync(CancellationToken.None);

        using var client = fixture.Messaging.ClientFor(a);
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages");
        var remaining = Assert.Single(page.GetProperty("messages").EnumerateArray());
        Assert.Equal(fresh, remaining.GetProperty("seq").GetInt64());
        Assert.Equal(4, fresh);
        Assert.Equal(5, await fixture.SendAsync(a, conversationId, "the sequence goes on"));
    }
}
