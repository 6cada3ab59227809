using Microsoft.Extensions.Options;

namespace Chat.Identity.Tokens;

/// <summary>Replaces the signing key once it is older than <see cref="IdentityOptions.SigningKeyLifetime"/>; checks at start, then periodically.</summary>
internal sealed partial class SigningKeyRotation(
    SigningKeyRing keys,
    IOptions<IdentityOptions> options,
    TimeProvider time,
    ILogger<SigningKeyRotation> logger) : BackgroundService
{
    // Far below any allowed key lifetime, so a key is replaced within a minute of coming due.
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, time);
        do
        {
            try
            {
                if (keys.RotateIfOlderThan(options.Value.SigningKeyLifetime))
                {
                    LogRotated(keys.Current.KeyId);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogRotationFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Information, "Rotated the signing key; new key {KeyId}")]
    private partial void LogRotated(string keyId);

    [LoggerMessage(LogLevel.Error, "Could not rotate the signing key; the current one stays in use")]
    private partial void LogRotationFailed(Exception exception);
}
