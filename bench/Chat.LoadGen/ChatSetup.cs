using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Chat.LoadGen;

/// <summary>A user the generator created, with an access token to connect as them.</summary>
public sealed record BenchUser(long Id, string Username, string AccessToken);

/// <summary>Creates users and conversations through the gateway, exactly as a browser would (the public contract).</summary>
public sealed class ChatSetup(Uri api, string runTag) : IDisposable
{
    private const string Password = "bench passphrase long enough";
    private const int SetupConcurrency = 8;

    private readonly HttpClient _http = new() { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };

    public async Task<BenchUser[]> CreateUsersAsync(int count, CancellationToken cancellationToken)
    {
        var users = new BenchUser[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = SetupConcurrency, CancellationToken = cancellationToken },
            async (i, token) => users[i] = await CreateUserAsync($"b{runTag}u{i}", token));
        return users;
    }

    public async Task<long> OpenDirectAsync(BenchUser from, BenchUser to, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => Post("/api/conversations/direct", new { userId = to.Id }, from.AccessToken), cancellationToken);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetInt64();
    }

    public async Task<long> CreateGroupAsync(BenchUser owner, IEnumerable<BenchUser> others, string title, CancellationToken cancellationToken)
    {
        var memberIds = others.Select(u => u.Id).ToArray();
        using var response = await SendAsync(() => Post("/api/conversations/groups", new { title, memberIds }, owner.AccessToken), cancellationToken);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetInt64();
    }

    private async Task<BenchUser> CreateUserAsync(string username, CancellationToken cancellationToken)
    {
        using (var created = await SendAsync(() => Post("/api/identity/users", new { username, password = Password }, null), cancellationToken))
        {
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetInt64();
            using var login = await SendAsync(() => Post("/api/identity/tokens", new { username, password = Password }, null), cancellationToken);
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("accessToken").GetString()!;
            return new BenchUser(id, username, token);
        }
    }

    private static HttpRequestMessage Post(string path, object body, string? accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (accessToken is not null)
        {
            request.Headers.Authorization = new("Bearer", accessToken);
        }
        return request;
    }

    /// <summary>Sends, waiting out Identity's sign-up and login rate limits (429 + Retry-After) rather than failing the run.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var message = request();
            var response = await _http.SendAsync(message, cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < 20)
            {
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5);
                response.Dispose();
                Console.Error.WriteLine($"  rate-limited by Identity; waiting {wait.TotalSeconds:0} s (start the AppHost with Identity__RateLimits__PermitsPerIp raised to avoid this)");
                await Task.Delay(wait, cancellationToken);
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                response.Dispose();
                throw new InvalidOperationException($"{message.Method} {message.RequestUri} answered {(int)response.StatusCode}: {body}");
            }
            return response;
        }
    }

    public void Dispose() => _http.Dispose();
}
