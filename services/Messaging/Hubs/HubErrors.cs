using Chat.Messaging.Messages;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Messaging.Hubs;

/// <summary>
/// Turns an application service's refusal into what hub clients read: a <see cref="HubException"/> whose message is
/// "code: detail" (SignalR hides any other exception's message).
/// </summary>
public sealed class HubErrors : IHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ValueTask<object?> invoked;
        try
        {
            invoked = next(invocationContext);
        }
        catch (MessagingError error)
        {
            throw new HubException(error.Message);
        }
        // Every hub call passes here: a call that completed needs no second state machine.
        return invoked.IsCompletedSuccessfully ? invoked : TranslateAsync(invoked);
    }

    private static async ValueTask<object?> TranslateAsync(ValueTask<object?> invoked)
    {
        try
        {
            return await invoked;
        }
        catch (MessagingError error)
        {
            throw new HubException(error.Message);
        }
    }
}
