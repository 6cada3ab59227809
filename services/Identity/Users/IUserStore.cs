namespace Chat.Identity.Users;

/// <summary>Accounts: usernames are unique regardless of case.</summary>
public interface IUserStore
{
    /// <summary>Creates the user, or returns null when the username is taken.</summary>
    Task<User?> CreateAsync(string username, string displayName, string passwordHash, CancellationToken cancellationToken);

    Task<User?> FindByIdAsync(long id, CancellationToken cancellationToken);

    Task<UserCredentials?> FindCredentialsAsync(string username, CancellationToken cancellationToken);

    Task<UserCredentials?> FindCredentialsByIdAsync(long id, CancellationToken cancellationToken);

    /// <summary>Users whose username or display name starts with the prefix (any case), by id, after <paramref name="afterId"/>.</summary>
    Task<IReadOnlyList<User>> SearchAsync(string prefix, long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Returns the updated user, or null when there is no such user.</summary>
    Task<User?> UpdateDisplayNameAsync(long id, string displayName, CancellationToken cancellationToken);

    /// <summary>Returns false when there is no such user.</summary>
    Task<bool> UpdatePasswordHashAsync(long id, string passwordHash, CancellationToken cancellationToken);
}
