using System.Net;
using System.Net.Http.Json;

namespace Chat.System.Tests;

/// <summary>HTTP calls through the gateway while a part restarts: a request lost to it is sent again, as a client would.</summary>
internal static class RetriedCalls
{
    private const int MaxAttempts = 20;

    /// <summary>Sends with the text as the client message id, so a retry of a send that went through is the same message: the store keeps one.</summary>
    public static async Task SendAsync(HttpClient client, string conversationId, string text)
    {
        var (response, _) = await UntilSettledAsync(
            () => client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = text, text }),
            (answer, _) => answer.IsSuccessStatusCode);
        using (response)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>Deletes the message; a retry of a delete that already went through is refused, and that counts as done.</summary>
    public static async Task DeleteAsync(HttpClient client, string conversationId, long seq)
    {
        var (response, attempt) = await UntilSettledAsync(
            () => client.DeleteAsync($"/api/conversations/{conversationId}/messages/{seq}"),
            (answer, attempt) => answer.IsSuccessStatusCode || (attempt > 1 && answer.StatusCode == HttpStatusCode.Forbidden));
        using (response)
        {
            Assert.True(response.IsSuccessStatusCode || attempt > 1, $"Deleting {seq} answered {response.StatusCode}.");
        }
    }

    /// <summary>Calls until the answer settles or the attempts run out (250 ms apart), and answers the last answer with its attempt number.</summary>
    private static async Task<(HttpResponseMessage Response, int Attempt)> UntilSettledAsync(
        Func<Task<HttpResponseMessage>> call, Func<HttpResponseMessage, int, bool> settled)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await call();
                if (settled(response, attempt) || attempt == MaxAttempts)
                {
                    return (response, attempt);
                }
                response.Dispose();
            }
            catch (HttpRequestException) when (attempt < MaxAttempts)
            {
            }
            await Task.Delay(250);
        }
    }
}
