using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Media.Tests;

/// <summary>Messages that carry media: Messaging asks Media who uploaded each item, and where.</summary>
public sealed class AttachmentMessagesTests : IDisposable
{
    private readonly MediaServices _services = new();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task AMessageCarriesMediaTheSenderUploadedIntoThatConversationAndNeedsNoText()
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();
        var mediaId = await UploadAsync(a, conversationId);
        using var messaging = _services.Messaging.ClientFor(a);

        using var sent = await messaging.PostAsJsonAsync($"/api/conversations/{conversationId}/messages",
            new { clientMessageId = "with-image", text = "", mediaIds = new[] { mediaId } });

        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        using var reader = _services.Messaging.ClientFor(b);
        var message = (await reader.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages")).GetProperty("messages")[0];
        Assert.Equal([mediaId], message.GetProperty("media").EnumerateArray().Select(m => m.GetInt64()));
    }

    [Fact]
    public async Task MediaSomeoneElseUploadedCannotBeAttached()
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();
        var bobsMedia = await UploadAsync(b, conversationId);
        using var messaging = _services.Messaging.ClientFor(a);

        using var sent = await messaging.PostAsJsonAsync($"/api/conversations/{conversationId}/messages",
            new { clientMessageId = "borrowed", text = "look", mediaIds = new[] { bobsMedia } });

        await AssertProblemAsync(sent, HttpStatusCode.NotFound, "media-not-found");
    }

    [Fact]
    public async Task MediaFromAnotherConversationOrUnknownMediaCannotBeAttached()
    {
        var (a, _, conversationId) = await _services.CreatePairAsync();
        var (other, _, otherConversationId) = await _services.CreatePairAsync();
        var elsewhere = await UploadAsync(other, otherConversationId);
        using var messaging = _services.Messaging.ClientFor(a);

        using var foreign = await messaging.PostAsJsonAsync($"/api/conversations/{conversationId}/messages",
            new { clientMessageId = "foreign", text = "x", mediaIds = new[] { elsewhere } });
        using var unknown = await messaging.PostAsJsonAsync($"/api/conversations/{conversationId}/messages",
            new { clientMessageId = "unknown", text = "x", mediaIds = new[] { 987_654_321L } });

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Empty((await messaging.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages")).GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task DeletingAMessageMakesItsAttachmentUndownloadable()
    {
        var (a, b, conversationId) = await _services.CreatePairAsync();
        var mediaId = await UploadAsync(a, conversationId);
        using var messaging = _services.Messaging.ClientFor(a);
        using var sent = await messaging.PostAsJsonAsync($"/api/conversations/{conversationId}/messages",
            new { clientMessageId = "regret", text = "oops", mediaIds = new[] { mediaId } });
        var seq = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("seq").GetInt64();
        using var before = await _services.Media.ClientFor(b).GetAsync($"/api/media/{mediaId}");

        using var deleted = await messaging.DeleteAsync($"/api/conversations/{conversationId}/messages/{seq}");
        using var after = await _services.Media.ClientFor(b).GetAsync($"/api/media/{mediaId}");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    private async Task<long> UploadAsync(Chat.Testing.TestUser user, long conversationId)
    {
        using var upload = await _services.UploadAsync(user, conversationId, TestImages.Png(40, 30), "pic.png", "image/png");
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        return (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
