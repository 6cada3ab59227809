namespace Chat.Identity.Users;

/// <summary>A user as everyone may see them.</summary>
public sealed record User(long Id, string Username, string DisplayName);

/// <summary>A user with the stored password hash; never leaves the service.</summary>
public sealed record UserCredentials(User User, string PasswordHash);
