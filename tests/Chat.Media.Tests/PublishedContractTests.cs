using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;

namespace Chat.Media.Tests;

/// <summary>Media's OpenAPI document lists what the README promises and describes every answer the endpoints give.</summary>
public sealed class PublishedContractTests : PublishedDocumentTests, IDisposable
{
    private readonly MediaServices _services = new();

    public void Dispose() => _services.Dispose();

    protected override string ReadmePrefix => "/api/media";

    protected override HttpClient CreateServiceClient() => _services.Media.CreateClient();

    [Fact]
    public async Task EveryAnswerOfEveryEndpointIsDescribedByTheDocument()
    {
        var contract = await ReadContractAsync();
        var checker = new ContractCheckingHandler(contract);
        using var client = _services.Media.CreateDefaultClient(checker);
        var (a, b, conversationId) = await _services.CreatePairAsync();
        var stranger = await _services.CreateUserAsync();
        client.DefaultRequestHeaders.Authorization = a.Authorization;

        var image = await UploadAsync(client, conversationId, TestImages.Png(40, 30), "p.png");
        var file = await UploadAsync(client, conversationId, [1, 2, 3], "notes.bin");
        var discarded = await UploadAsync(client, conversationId, [4, 5, 6], "draft.bin");
        (await client.PostAsync($"/api/media?conversationId={conversationId}", new StringContent("not multipart"))).Dispose();
        (await client.PostAsync("/api/media", new MultipartFormDataContent())).Dispose();
        using (var tooLarge = new MultipartFormDataContent { { new ByteArrayContent(new byte[MediaServices.MaxUploadBytes + 1]), "file", "big.bin" } })
        {
            (await client.PostAsync($"/api/media?conversationId={conversationId}", tooLarge)).Dispose();
        }
        await _services.SendAsync(a, conversationId, "see attached", image, file);

        (await client.GetAsync("/api/media/limits")).Dispose();
        (await client.GetAsync($"/api/media/{image}/info")).Dispose();
        (await client.GetAsync($"/api/media/{file}/info")).Dispose();
        (await client.GetAsync($"/api/media/{image}")).Dispose();
        (await client.GetAsync($"/api/media/{image}/thumbnail")).Dispose();
        (await client.GetAsync($"/api/media/{file}/thumbnail")).Dispose();
        (await client.DeleteAsync($"/api/media/{image}")).Dispose();
        (await client.DeleteAsync($"/api/media/{discarded}")).Dispose();

        client.DefaultRequestHeaders.Authorization = stranger.Authorization;
        (await client.GetAsync($"/api/media/{file}/info")).Dispose();
        (await client.GetAsync($"/api/media/{file}")).Dispose();
        client.DefaultRequestHeaders.Authorization = b.Authorization;
        using var info = await client.GetAsync($"/api/media/{image}/info");
        var signedUrl = (await info.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
        client.DefaultRequestHeaders.Authorization = null;
        (await client.GetAsync(signedUrl)).Dispose();
        (await client.GetAsync(signedUrl.Replace("sig=", "sig=x", StringComparison.Ordinal))).Dispose();
        (await client.GetAsync($"/api/media/{image}/info")).Dispose();

        PublicContractAssert.DescribedEveryAnswer(contract, checker);
    }

    private static async Task<long> UploadAsync(HttpClient client, long conversationId, byte[] bytes, string fileName)
    {
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var form = new MultipartFormDataContent { { part, "file", fileName } };
        using var response = await client.PostAsync($"/api/media?conversationId={conversationId}", form);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
