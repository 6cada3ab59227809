using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;

namespace Chat.Messaging.Tests;

/// <summary>Messaging's OpenAPI document lists what the README promises and describes every answer the endpoints give.</summary>
public sealed class PublishedContractTests : PublishedDocumentTests, IDisposable
{
    private readonly MessagingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    protected override string ReadmePrefix => "/api/conversations";

    protected override HttpClient CreateServiceClient() => _fixture.Messaging.CreateClient();

    [Fact]
    public async Task EveryAnswerOfEveryEndpointIsDescribedByTheDocument()
    {
        var contract = await ReadContractAsync();
        var checker = new ContractCheckingHandler(contract);
        using var client = _fixture.Messaging.CreateDefaultClient(checker);
        var a = await _fixture.Identity.CreateUserAsync();
        var b = await _fixture.Identity.CreateUserAsync();
        var c = await _fixture.Identity.CreateUserAsync();
        var d = await _fixture.Identity.CreateUserAsync();
        client.DefaultRequestHeaders.Authorization = a.Authorization;

        using var direct = await client.PostAsJsonAsync("/api/conversations/direct", new { userId = b.Id });
        var directId = await IdOfAsync(direct);
        (await client.PostAsJsonAsync("/api/conversations/direct", new { userId = a.Id })).Dispose();
        (await client.PostAsJsonAsync("/api/conversations/direct", new { userId = d.Id + 1000 })).Dispose();
        using var group = await client.PostAsJsonAsync("/api/conversations/groups", new { title = "Three of us", memberIds = new[] { b.Id, c.Id } });
        Assert.Equal(HttpStatusCode.Created, group.StatusCode);
        var groupId = await IdOfAsync(group);
        (await client.PostAsJsonAsync("/api/conversations/groups", new { title = "", memberIds = new[] { b.Id } })).Dispose();
        (await client.PatchAsJsonAsync($"/api/conversations/{groupId}", new { title = "Four of us" })).Dispose();
        (await client.PatchAsJsonAsync($"/api/conversations/{directId}", new { title = "Not a group" })).Dispose();
        (await client.PostAsJsonAsync($"/api/conversations/{groupId}/members", new { userId = d.Id })).Dispose();
        (await client.DeleteAsync($"/api/conversations/{groupId}/members/{d.Id}")).Dispose();
        (await client.DeleteAsync($"/api/conversations/{groupId}/members/{d.Id + 1000}")).Dispose();

        var clientMessageId = Guid.NewGuid().ToString("N");
        using var sent = await client.PostAsJsonAsync($"/api/conversations/{groupId}/messages", new { clientMessageId, text = "hello" });
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var seq = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("seq").GetInt64();
        (await client.PostAsJsonAsync($"/api/conversations/{groupId}/messages", new { clientMessageId, text = "hello" })).Dispose();
        (await client.PostAsJsonAsync($"/api/conversations/{groupId}/messages", new { clientMessageId = Guid.NewGuid().ToString("N"), text = "" })).Dispose();
        (await client.PatchAsJsonAsync($"/api/conversations/{groupId}/messages/{seq}", new { text = "hello again" })).Dispose();
        (await client.PutAsJsonAsync($"/api/conversations/{groupId}/read", new { seq })).Dispose();
        (await client.GetAsync($"/api/conversations/{groupId}/messages?limit=10")).Dispose();
        (await client.GetAsync($"/api/conversations/{groupId}/messages?limit=0")).Dispose();
        (await client.GetAsync("/api/conversations")).Dispose();
        (await client.GetAsync("/api/conversations/limits")).Dispose();
        (await client.GetAsync($"/api/conversations/{groupId}")).Dispose();
        (await client.GetAsync($"/api/conversations/{groupId + 1000}")).Dispose();
        (await client.DeleteAsync($"/api/conversations/{groupId}/messages/{seq}")).Dispose();
        (await client.GetAsync($"/api/conversations/{groupId}/messages?after=0")).Dispose();
        (await client.DeleteAsync($"/api/conversations/{groupId}/messages/{seq + 1000}")).Dispose();
        client.DefaultRequestHeaders.Authorization = null;
        (await client.GetAsync("/api/conversations")).Dispose();

        PublicContractAssert.DescribedEveryAnswer(contract, checker);
    }

    private static async Task<long> IdOfAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
