namespace Chat.Admin;

/// <summary>A refusal or failure the operator can act on: its message goes to stderr as is, and the exit code is non-zero.</summary>
public sealed class AdminException(string message, int exitCode = AdminException.Failed) : Exception(message)
{
    public const int Failed = 1;
    public const int Usage = 2;

    public int ExitCode { get; } = exitCode;
}
