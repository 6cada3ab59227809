namespace Chat.Messaging.Apis;

/// <summary>Asks Identity whether a user exists, on behalf of the caller (their token, their view).</summary>
public sealed class UserDirectory(HttpClient http)
{
    public async Task<bool> ExistsAsync(long userId, string authorization, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/identity/users/{userId}");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
        response.EnsureSuccessStatusCode();
        return true;
    }
}
