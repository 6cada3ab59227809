using System.Text.Json;
using System.Text.Json.Serialization;
using Chat.Identity.Users;

namespace Chat.Identity.Apis;

public sealed record CreateUserRequest(string? Username, string? Password, string? DisplayName);

public sealed record CreateTokenRequest(string? Username, string? Password);

public sealed record TokenResponse(string AccessToken, int ExpiresIn);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(IReadOnlyList<User>))]
internal sealed partial class IdentityJsonContext : JsonSerializerContext;
