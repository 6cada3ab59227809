using Chat.Messaging.Messages;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Messaging.Hubs;

/// <summary>
/// Turns an application service's refusal into what hub clients read: a <see cref="HubException"/> whose message is
/// "code: detail" (SignalR hides any other exception's message). A call that needed a service which is down (Media,
/// while checking attachments) is <c>service-unavailable</c> with a retry hint, as HTTP answers 503.
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
        catch (Exception e) when (PeerUnavailableHandler.IsPeerFailure(e))
        {
            throw PeerUnavailable();
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
        catch (Exception e) when (PeerUnavailableHandler.IsPeerFailure(e))
        {
            throw PeerUnavailable();
        }
    }

    private static HubException PeerUnavailable() =>
        new("service-unavailable: a service this call needs is unavailable; retry after 5 s");
}
