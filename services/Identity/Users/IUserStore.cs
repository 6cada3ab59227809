namespace Chat.Identity.Users;

/// <summary>
/// Accounts: usernames are stored NFKC-normalized and unique by <see cref="AccountRules.UsernameKey"/> (any case,
/// any compatibility form), and every lookup by name compares that key.
/// </summary>
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

    /// <summary>Who may add the user to groups (<see cref="GroupAdds"/>), or null when there is no such user.</summary>
    Task<string?> FindGroupAddsAsync(long id, CancellationToken cancellationToken);

    /// <summary>Returns false when there is no such user.</summary>
    Task<bool> UpdateGroupAddsAsync(long id, string groupAdds, CancellationToken cancellationToken);

    /// <summary>Returns false when there is no such user.</summary>
    Task<bool> UpdatePasswordHashAsync(long id, string passwordHash, CancellationToken cancellationToken);
}
