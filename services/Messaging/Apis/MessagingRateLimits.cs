namespace Chat.Messaging.Apis;

/// <summary>The HTTP rate-limiting policies, per user (see <see cref="MessagingRateLimitOptions"/>); beyond them 429 <c>rate-limited</c>.</summary>
public static class MessagingRateLimits
{
    public const string Send = "send";
    public const string Edit = "edit";
    public const string Conversations = "conversations";

    public static IServiceCollection AddMessagingRateLimits(this IServiceCollection services)
    {
        services.AddOptions<MessagingRateLimitOptions>()
            .BindConfiguration(MessagingRateLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services.AddUserRateLimits<MessagingRateLimitOptions>(
            (Send, limits => limits.Send),
            (Edit, limits => limits.Edit),
            (Conversations, limits => limits.Conversations));
    }
}
