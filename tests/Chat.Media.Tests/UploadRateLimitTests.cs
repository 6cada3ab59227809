using System.Globalization;
using System.Net;
using System.Text.Json;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Media.Tests;

public sealed class UploadRateLimitTests : IDisposable
{
    private const int Burst = 2;

    // Two uploads per user, refilled one a day: nothing refills during the test.
    private readonly MediaServices _services = new(media: media => media
        .Set("Media:RateLimits:Uploads:Burst", Burst)
        .Set("Media:RateLimits:Uploads:Tokens", 1)
        .Set("Media:RateLimits:Uploads:Period", TimeSpan.FromDays(1)));

    [Fact]
    public async Task UploadingBeyondTheLimitAnswers429RateLimitedWithRetryAfterWhileOthersStillUpload()
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();
        for (var i = 0; i < Burst; i++)
        {
            await _services.UploadCreatedAsync(a, conversationId, [1, 2, 3, (byte)i], $"ok{i}.bin");
        }

        using var refused = await _services.UploadAsync(a, conversationId, [9, 9, 9], "refused.bin");
        var othersUpload = await _services.UploadCreatedAsync(b, conversationId, [4, 5, 6], "bob.bin");

        await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.True(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("bob.bin", othersUpload.GetProperty("fileName").GetString());
    }

    public void Dispose() => _services.Dispose();
}
