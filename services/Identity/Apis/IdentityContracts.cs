using System.Text.Json;
using System.Text.Json.Serialization;
using Chat.Identity.Users;

namespace Chat.Identity.Apis;

/// <summary>A request naming the account it acts on, so attempts can be limited per username.</summary>
public interface IUsernameRequest
{
    string? Username { get; }
}

public sealed record CreateUserRequest(string? Username, string? Password, string? DisplayName) : IUsernameRequest;

public sealed record CreateTokenRequest(string? Username, string? Password) : IUsernameRequest;

public sealed record UpdateUserRequest(string? DisplayName);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record TokenResponse(string AccessToken, int ExpiresIn);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(UpdateUserRequest))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(IReadOnlyList<User>))]
internal sealed partial class IdentityJsonContext : JsonSerializerContext;
