using Chat.Testing;

namespace Chat.Messaging.Tests;

/// <summary>Messaging with its real neighbours: Identity (tokens, JWKS, user lookup) and Garnet (the SignalR backplane).</summary>
public class MessagingFixture : ChatCluster
{
    public const int MaxSyncMessages = 10;

    public const int MaxSyncCharacters = 100_000;

    public MessagingFixture()
        : this(messaging: null)
    {
    }

    /// <param name="messaging">Messaging's settings over the small Sync limits here.</param>
    /// <param name="presence">Presence too, set up so (null: no Presence).</param>
    protected MessagingFixture(Action<ServiceSetup>? messaging, Action<ServiceSetup>? presence = null)
        : base(Describe(messaging, presence))
    {
    }

    public GarnetFixture Garnet => (GarnetFixture)Redis;

    private static ChatClusterBuilder Describe(Action<ServiceSetup>? messaging, Action<ServiceSetup>? presence)
    {
        var cluster = With(new GarnetFixture()).Messaging(m =>
        {
            m.Set("Messaging:MaxSyncMessages", MaxSyncMessages).Set("Messaging:MaxSyncCharacters", MaxSyncCharacters);
            messaging?.Invoke(m);
        });
        return presence is null ? cluster : cluster.Presence(presence);
    }
}
