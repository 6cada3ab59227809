using System.Net;

namespace Chat.Media.Tests;

public sealed class MediaLimitsTests : IDisposable
{
    private readonly MediaServices _services = new();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task AClientLearnsTheUploadLimitFromTheServer()
    {
        var user = await _services.CreateUserAsync();

        using var response = await _services.Media.ClientFor(user).GetAsync("/api/media/limits");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($$"""{"maxUploadBytes":{{MediaServices.MaxUploadBytes}}}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheUploadLimitNeedsAToken()
    {
        using var response = await _services.Media.ClientFor(null).GetAsync("/api/media/limits");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
