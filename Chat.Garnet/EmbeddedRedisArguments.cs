namespace Chat.Garnet;

/// <summary>How the embedded Redis role runs: loopback only, Lua on, and every connection must AUTH with the password.</summary>
public static class EmbeddedRedisArguments
{
    public const string PortVariable = "GARNET_PORT";
    public const string PasswordVariable = "GARNET_PASSWORD";

    public static string[] For(string port, string password, params string[] extra)
    {
        // Loopback is not a boundary on a shared machine: any local process could otherwise read presence and pushes.
        if (string.IsNullOrWhiteSpace(password))
        {
            throw new ArgumentException($"The embedded Redis role needs a password ({PasswordVariable}).", nameof(password));
        }
        return ["--bind", "127.0.0.1", "--port", port, "--lua", "--auth", "Password", "--password", password, .. extra];
    }
}
