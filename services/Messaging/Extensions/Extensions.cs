using Chat.Messaging.Apis;
using Chat.Messaging.Contracts;
using Chat.Messaging.Conversations;
using Chat.Messaging.Hubs;
using Chat.Messaging.Messages;
using Chat.Messaging.Presence;
using Chat.Messaging.Storage;
using Chat.Messaging.Sync;
using Chat.Mongo;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Extensions;

internal static class Extensions
{
    public const string RedisConnectionName = "redis";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPublicApiDocument("Chat Messaging", "Conversations, members, messages with a per-conversation `seq`, history and read markers. Real-time calls and events go through the SignalR hub `/hubs/chat`, documented in docs/hub.md.");
        builder.Services.AddOptions<MessagingOptions>()
            .BindConfiguration(MessagingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        // ConnectionStrings:mongodb moves conversations and messages to MongoDB; without it they stay in messaging.db.
        if (builder.AddMongoDatabaseIfConfigured("chat-messaging"))
        {
            builder.Services.AddSingleton<MongoMessagingDatabase>();
            builder.Services.AddSingleton<IConversationStore, MongoConversationStore>();
            builder.Services.AddSingleton<IMessageStore, MongoMessageStore>();
            builder.Services.AddSingleton<IMediaOutbox, MongoMediaOutbox>();
            builder.Services.AddSingleton<IBlockStore, MongoBlockStore>();
        }
        else
        {
            builder.Services.AddSingleton(sp => new MessagingDatabase(
                Path.Combine(sp.GetRequiredService<IOptions<MessagingOptions>>().Value.DataDirectory, "messaging.db")));
            builder.Services.AddSingleton<IConversationStore, SqliteConversationStore>();
            builder.Services.AddSingleton<IMessageStore, SqliteMessageStore>();
            builder.Services.AddSingleton<IMediaOutbox, SqliteMediaOutbox>();
            builder.Services.AddSingleton<IBlockStore, SqliteBlockStore>();
        }
        // Application services, under the Apis and the hub; they tell connections through IChatEvents (the hub side).
        builder.Services.AddSingleton<ChatEvents>();
        builder.Services.AddSingleton<IChatEvents>(sp => sp.GetRequiredService<ChatEvents>());
        builder.Services.AddSingleton<MessageSender>();
        builder.Services.AddSingleton<MessageHistory>();
        builder.Services.AddSingleton<ConversationQueries>();
        builder.Services.AddSingleton<ConversationCommands>();
        builder.Services.AddSingleton<ConversationChangeFanOut>();
        builder.Services.AddSingleton<DirectConversations>();
        builder.Services.AddSingleton<BlockCommands>();
        builder.Services.AddSingleton<ConversationSync>();
        builder.Services.AddSingleton<MembershipCache>();
        builder.Services.AddSingleton<TypingRelay>();
        builder.Services.AddSingleton<RetentionService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionService>());
        builder.Services.AddHttpClient(MediaCatalog.HttpClientName, http => http.BaseAddress = new Uri("http://media")).AddInternalApiKey();
        builder.Services.AddSingleton<MediaCatalog>();
        builder.Services.AddSingleton<MediaReferenceDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MediaReferenceDispatcher>());
        builder.Services.AddHttpClient<UserDirectory>(http => http.BaseAddress = new Uri("http://identity")).AddForwardedAuthorization();
        builder.Services.AddHttpClient(GroupAddConsent.HttpClientName, http => http.BaseAddress = new Uri("http://identity")).AddInternalApiKey();
        builder.Services.AddSingleton<GroupAddConsent>();

        builder.AddInternalApiKey();
        builder.Services.AddOptions<PresenceOptions>().BindConfiguration(PresenceOptions.SectionName);
        builder.Services.AddHttpClient(PresenceReporter.HttpClientName, http => http.BaseAddress = new Uri("http://presence")).AddInternalApiKey();
        builder.Services.AddSingleton<PresenceReporter>();
        builder.Services.AddSingleton<PresenceContactsCache>();
        builder.Services.AddSingleton<PresenceAudience>();
        builder.Services.AddHostedService<PresenceHeartbeatService>();
        // Redis commands are not traced: the backplane and presence relay are per-message, not worth a span each.
        builder.AddRedisClient(RedisConnectionName, redis => redis.DisableTracing = true);
        builder.Services.AddSingleton<PresenceRelay>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PresenceRelay>());

        builder.Services.AddMessagingRateLimits();
        builder.Services.AddSingleton<HubCallLimits>();
        builder.Services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        builder.Services.AddSingleton<HubErrors>();
        builder.Services.AddSignalR(hub =>
            {
                hub.AddFilter<HubCallLimits>();
                hub.AddFilter<HubErrors>();
            })
            .AddJsonProtocol(json => json.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, MessagingJsonContext.Default))
            .AddMessagePackProtocol();
        builder.Services.AddHubFrameLimits();
        // The backplane: one Redis publish per push for all replicas, started (subscribed) before the server listens.
        builder.Services.AddSingleton<ChatBackplane>();
        builder.Services.AddSingleton<HubLifetimeManager<ChatHub>>(sp => sp.GetRequiredService<ChatBackplane>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChatBackplane>());

        builder.Services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, MessagingJsonContext.Default));
    }
}
