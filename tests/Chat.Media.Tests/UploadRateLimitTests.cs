using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Chat.Media.Tests;

public sealed class UploadRateLimitTests : IDisposable
{
    private const int Burst = 2;

    // Two uploads per user, refilled one a day: nothing refills during the test.
    private readonly MediaServices _services = new(mediaSettings: new Dictionary<string, string?>
    {
        ["Media:RateLimits:Uploads:Burst"] = Burst.ToString(CultureInfo.InvariantCulture),
        ["Media:RateLimits:Uploads:Tokens"] = "1",
        ["Media:RateLimits:Uploads:Period"] = "1.00:00:00",
    });

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

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture) >= 1);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://chat.example/problems/rate-limited", problem.GetProperty("type").GetString());
        Assert.Equal("bob.bin", othersUpload.GetProperty("fileName").GetString());
    }

    public void Dispose() => _services.Dispose();
}
