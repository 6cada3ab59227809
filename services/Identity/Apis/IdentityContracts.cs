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

/// <summary>Either or both: a new display name; who may add the caller to groups (<see cref="Users.GroupAdds"/>).</summary>
public sealed record UpdateUserRequest(string? DisplayName, string? GroupAdds = null);

/// <summary>The caller's own account: the public user plus their settings.</summary>
public sealed record Account(long Id, string Username, string DisplayName, string GroupAdds);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record TokenResponse(string AccessToken, int ExpiresIn);

/// <summary>What <c>GET /internal/users/{id}/group-adds</c> answers Messaging.</summary>
public sealed record GroupAddsSetting(string GroupAdds);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(UpdateUserRequest))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(Account))]
[JsonSerializable(typeof(GroupAddsSetting))]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(IReadOnlyList<User>))]
internal sealed partial class IdentityJsonContext : JsonSerializerContext;
