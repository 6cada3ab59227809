using Chat.Messaging.Contracts;
using Chat.Messaging.Conversations;
using Chat.Messaging.Messages;
using Chat.Messaging.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Sync;

/// <summary>
/// What changed since a client's cursors (the hub's <c>Sync</c>): every conversation the user is in, the messages after
/// each cursor's seq (a conversation without a cursor starts at 0) and the edits and deletes after its version, at most
/// <see cref="MessagingOptions.MaxSyncMessages"/> messages and <see cref="MessagingOptions.MaxSyncCharacters"/> of text
/// per call, updates included; with <c>HasMore</c>, the client calls again with both cursors advanced from this reply:
/// the seq to the last message returned, the version to the conversation's version if any of its new messages came (its
/// updates were then complete), else to its last update returned.
/// </summary>
public sealed class ConversationSync(ConversationQueries queries, IMessageStore messages, IOptions<MessagingOptions> options)
{
    public async Task<SyncResult> SyncAsync(long userId, IReadOnlyList<SyncCursor>? cursors, CancellationToken cancellationToken)
    {
        var held = new Dictionary<long, SyncCursor>();
        foreach (var cursor in cursors ?? [])
        {
            if (cursor.AfterSeq < 0 || cursor.AfterVersion < 0)
            {
                throw MessagingError.Invalid("cursors", "A cursor's afterSeq and afterVersion are not negative.");
            }
            held[cursor.ConversationId] = cursor;
        }

        var views = await queries.ListAsync(userId, cancellationToken);
        // New messages and updates share one budget of rows and characters, applied by the stores as they read.
        var budget = new ReadBudget(options.Value.MaxSyncMessages, options.Value.MaxSyncCharacters);
        var collected = new List<MessageView>();
        var updates = new List<MessageView>();
        foreach (var view in views)
        {
            var cursor = held.GetValueOrDefault(view.Id) ?? new SyncCursor(view.Id, 0);
            if (view.Version <= cursor.AfterVersion && view.LastSeq <= cursor.AfterSeq)
            {
                continue;
            }
            // A conversation's updates come before its new messages, so new messages in a reply mean its updates were complete.
            if (cursor.AfterSeq > 0 && view.Version > cursor.AfterVersion)
            {
                updates.AddRange((await messages.GetUpdatesAsync(view.Id, cursor.AfterSeq, cursor.AfterVersion, budget, cancellationToken)).ToViews());
            }
            if (!budget.Exhausted && view.LastSeq > cursor.AfterSeq)
            {
                collected.AddRange((await messages.GetMessagesAfterAsync(view.Id, cursor.AfterSeq, budget, cancellationToken)).ToViews());
            }
            if (budget.Exhausted)
            {
                break;
            }
        }
        return new SyncResult(views, collected, updates, budget.Exhausted);
    }
}
