using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Hubs;

/// <summary>
/// SignalR's receive limit for the chat hub, derived from <see cref="MessagingOptions.MaxMessageLength"/> so the longest
/// message always fits in a frame (a frame past the limit closes the connection instead of answering
/// <c>message-too-long</c>); checked at start.
/// </summary>
public static class HubFrameLimits
{
    /// <summary>The widest a UTF-16 code unit gets on the wire: JSON's <c>\uXXXX</c> escape (control characters, lone surrogates).</summary>
    public const int MaxBytesPerCodeUnit = 6;

    /// <summary>The rest of the largest frame: the invocation around the text, its ids and attachment ids, or a Sync's cursors.</summary>
    public const int FrameAllowance = 512 * 1024;

    public static long ReceiveLimitFor(MessagingOptions options) => (long)options.MaxMessageLength * MaxBytesPerCodeUnit + FrameAllowance;

    public static IServiceCollection AddHubFrameLimits(this IServiceCollection services)
    {
        // The global options: SignalR uses them for a hub that has no AddHubOptions<THub> of its own, as ChatHub has none.
        services.AddOptions<HubOptions>()
            .Configure<IOptions<MessagingOptions>>((hub, messaging) => hub.MaximumReceiveMessageSize = ReceiveLimitFor(messaging.Value))
            .Validate<IOptions<MessagingOptions>>(
                (hub, messaging) => hub.MaximumReceiveMessageSize >= ReceiveLimitFor(messaging.Value),
                "The hub's MaximumReceiveMessageSize is below what Messaging:MaxMessageLength needs (HubFrameLimits.ReceiveLimitFor).")
            .ValidateOnStart();
        return services;
    }
}
