namespace Chat.Messaging.Conversations;

/// <summary>
/// Asks Identity whether a user exists, on behalf of the caller: its HttpClient forwards the caller's token
/// (<c>ForwardedAuthorizationHandler</c>), so the answer is the caller's view.
/// </summary>
public sealed class UserDirectory(HttpClient http)
{
    public async Task<bool> ExistsAsync(long userId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/identity/users/{userId}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
        response.EnsureSuccessStatusCode();
        return true;
    }
}
