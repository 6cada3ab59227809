namespace Chat.Messaging.Storage;

/// <summary>
/// What one Sync reply may still hold: a number of messages and characters of text, shared by new messages and updates.
/// A store reads rows one at a time in page order and stops at the first that does not fit, so a page is cut by size
/// while it is read, never after loading rows it then drops.
/// </summary>
public sealed class ReadBudget(int messages, long characters)
{
    private bool _taken;

    public int Messages { get; private set; } = messages;

    public long Characters { get; private set; } = characters;

    /// <summary>A message did not fit: the reply ends there and the caller comes back, with advanced cursors, for the rest.</summary>
    public bool Exhausted { get; private set; }

    /// <summary>The most rows a query needs: one more than fits, so a full page tells itself from the end of the data.</summary>
    public int RowLimit => Messages + 1;

    /// <summary>
    /// Takes the message if it fits. The first message of a reply always fits, so one longer than the whole budget
    /// cannot stall a client; after a refusal nothing more is taken, so what was taken is a prefix in page order.
    /// </summary>
    public bool TryTake(ChatMessage message)
    {
        if (Exhausted || Messages == 0 || (_taken && message.Text.Length > Characters))
        {
            Exhausted = true;
            return false;
        }
        _taken = true;
        Messages--;
        Characters = Math.Max(0, Characters - message.Text.Length);
        return true;
    }
}
