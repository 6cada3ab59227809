using System.Collections.Concurrent;
using Chat.Messaging.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Conversations;

/// <summary>
/// Member lists for the typing relay, so a client repeating <c>Typing</c> (a member, or a stranger naming someone
/// else's conversation) does not reach the store each time. Per (user, conversation), "not a member" included; kept for
/// <see cref="MessagingOptions.TypingMembershipCacheDuration"/>, at most <see cref="MaxEntries"/> of them, and forgotten
/// as soon as the conversation's membership changes on this replica (other replicas hold theirs no longer than the duration).
/// </summary>
public sealed class MembershipCache(IConversationStore conversations, IOptions<MessagingOptions> options, TimeProvider time)
{
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<(long UserId, long ConversationId), (IReadOnlyList<long>? MemberIds, long At)> _entries = new();
    private long _generation;

    /// <summary>The conversation's member ids if <paramref name="userId"/> is one of them, else null.</summary>
    public async ValueTask<IReadOnlyList<long>?> MembersIfMemberAsync(long userId, long conversationId, CancellationToken cancellationToken)
    {
        var key = (userId, conversationId);
        var now = time.GetTimestamp();
        if (_entries.TryGetValue(key, out var entry) && time.GetElapsedTime(entry.At, now) < options.Value.TypingMembershipCacheDuration)
        {
            return entry.MemberIds;
        }
        var generation = Interlocked.Read(ref _generation);
        var memberIds = (await conversations.FindForMemberAsync(conversationId, userId, cancellationToken))?.MemberIds;
        // A membership change while the store was read may have made this answer stale: use it once, do not keep it.
        if (Interlocked.Read(ref _generation) == generation)
        {
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }
            _entries[key] = (memberIds, now);
        }
        return memberIds;
    }

    /// <summary>The conversation's members changed: its entries are read from the store again.</summary>
    public void Forget(long conversationId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (key, _) in _entries)
        {
            if (key.ConversationId == conversationId)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }
}
