using System.Collections.Concurrent;
using Chat.Messaging.Contracts;
using Chat.Messaging.Messages;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Conversations;

/// <summary>Relays "is typing" to the other members, at most once per throttle interval per member and conversation; never stored.</summary>
public sealed class TypingRelay(
    MembershipCache memberships,
    IChatEvents events,
    IOptions<MessagingOptions> options,
    TimeProvider time)
{
    private readonly ConcurrentDictionary<(long UserId, long ConversationId), long> _lastRelayed = new();

    public async Task RelayAsync(long userId, long conversationId, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        var key = (userId, conversationId);
        if (_lastRelayed.TryGetValue(key, out var last) && time.GetElapsedTime(last, now) < options.Value.TypingThrottle)
        {
            return;
        }
        var memberIds = await memberships.MembersIfMemberAsync(userId, conversationId, cancellationToken);
        if (memberIds is null)
        {
            throw MessagingError.ConversationNotFound(conversationId);
        }
        _lastRelayed[key] = now;
        var others = memberIds.Where(id => id != userId).ToArray();
        await events.TypingAsync(new TypingNotice(conversationId, userId), others);
        if (_lastRelayed.Count > 10_000)
        {
            Sweep(now);
        }
    }

    private void Sweep(long now)
    {
        foreach (var (key, at) in _lastRelayed)
        {
            if (time.GetElapsedTime(at, now) > options.Value.TypingThrottle)
            {
                _lastRelayed.TryRemove(key, out _);
            }
        }
    }
}
