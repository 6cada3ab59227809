using Chat.Testing;

namespace Chat.Presence.Tests;

/// <summary>Identity and Presence on the given Redis-protocol server, Presence on a clock the test moves.</summary>
internal static class PresenceOnly
{
    public static ChatCluster Start(IRedisFixture server, TimeProvider time, Action<ServiceSetup>? configure = null) =>
        ChatCluster.With(server).Presence(presence =>
        {
            // These tests are about the tracker; who may see whom needs Messaging, and is tested with it (PresenceRelayTests).
            presence.Set("Presence:RestrictToContacts", "false").Clock(time);
            configure?.Invoke(presence);
        }).Build();
}
