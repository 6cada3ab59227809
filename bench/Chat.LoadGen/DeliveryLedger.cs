using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Chat.LoadGen;

/// <summary>What kind of message a send was, so large messages do not blur the latency of ordinary ones.</summary>
public enum SendKind
{
    Ordinary = 0,
    Large = 1,
}

/// <summary>
/// Every send of one measured step and every delivery of it: latency from the send's intended time (so a stalled
/// server cannot hide queueing, i.e. no coordinated omission), and per receiver and conversation the seqs that
/// arrived, so that each expected delivery is checked to arrive exactly once.
/// </summary>
public sealed class DeliveryLedger
{
    private readonly string _tag;
    private readonly long[] _intended;
    private readonly long[] _conversation;
    private readonly long[] _sender;
    private readonly long[] _seq;
    private readonly SendKind[] _kind;
    private readonly bool[] _measured;
    private readonly ConcurrentDictionary<(long Receiver, long Conversation), HashSet<long>> _received = new();
    private long _next = -1;

    public DeliveryLedger(string tag, int capacity)
    {
        _tag = tag + "-";
        _intended = new long[capacity];
        _conversation = new long[capacity];
        _sender = new long[capacity];
        _seq = new long[capacity];
        _kind = new SendKind[capacity];
        _measured = new bool[capacity];
    }

    public LatencyHistogram[] DeliveryLatency { get; } = [new(), new()];

    /// <summary>From intended send time to the hub's reply (the sender's view).</summary>
    public LatencyHistogram AckLatency { get; } = new();

    public long Sends => Math.Min(Interlocked.Read(ref _next) + 1, _intended.Length);
    public long MeasuredSends;
    public long MeasuredAcks;
    public long SendErrors;
    public long NotSent;
    public long Deliveries;
    public long MeasuredDeliveries;
    public long Echoes;
    public long Duplicates;
    public string? FirstError;

    /// <summary>Reserves the next send; null when the step's capacity is spent.</summary>
    public (long Index, string ClientMessageId)? Reserve(long intendedTimestamp, long conversationId, long senderId, SendKind kind, bool measured)
    {
        var index = Interlocked.Increment(ref _next);
        if (index >= _intended.Length)
        {
            return null;
        }
        _intended[index] = intendedTimestamp;
        _conversation[index] = conversationId;
        _sender[index] = senderId;
        _kind[index] = kind;
        _measured[index] = measured;
        if (measured)
        {
            Interlocked.Increment(ref MeasuredSends);
        }
        return (index, _tag + index.ToString(CultureInfo.InvariantCulture));
    }

    public void Acknowledged(long index, long seq)
    {
        Volatile.Write(ref _seq[index], seq);
        if (_measured[index])
        {
            AckLatency.Record(MicrosecondsSince(_intended[index]));
            Interlocked.Increment(ref MeasuredAcks);
        }
    }

    public void Failed(Exception error)
    {
        Interlocked.Increment(ref SendErrors);
        Interlocked.CompareExchange(ref FirstError, error.GetType().Name + ": " + error.Message, null);
    }

    public void OnReceived(long receiverId, ReceivedMessage message)
    {
        var now = Stopwatch.GetTimestamp();
        if (!message.ClientMessageId.StartsWith(_tag, StringComparison.Ordinal)
            || !long.TryParse(message.ClientMessageId.AsSpan(_tag.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || index >= _intended.Length)
        {
            return;
        }
        var seqs = _received.GetOrAdd((receiverId, message.ConversationId), _ => []);
        lock (seqs)
        {
            if (!seqs.Add(message.Seq))
            {
                Interlocked.Increment(ref Duplicates);
                return;
            }
        }
        if (receiverId == _sender[index])
        {
            Interlocked.Increment(ref Echoes);
            return;
        }
        Interlocked.Increment(ref Deliveries);
        if (_measured[index])
        {
            Interlocked.Increment(ref MeasuredDeliveries);
            DeliveryLatency[(int)_kind[index]].Record((now - _intended[index]) * 1_000_000 / Stopwatch.Frequency);
        }
    }

    /// <summary>
    /// After the drain: every acknowledged send must have reached every other connected member of its conversation.
    /// The sender is not expected: the hub does not push a send back to the connection that made it (its ack carries
    /// the seq), and the generator's users hold one connection each.
    /// </summary>
    public (long ExpectedDeliveries, long LostDeliveries) CountLosses(Func<long, IReadOnlyList<long>> connectedMembers)
    {
        long expected = 0, lost = 0;
        for (long i = 0; i < Sends; i++)
        {
            var seq = Volatile.Read(ref _seq[i]);
            if (seq == 0)
            {
                continue;
            }
            foreach (var member in connectedMembers(_conversation[i]))
            {
                if (member == _sender[i])
                {
                    continue;
                }
                expected++;
                var arrived = _received.TryGetValue((member, _conversation[i]), out var seqs);
                if (arrived)
                {
                    lock (seqs!)
                    {
                        arrived = seqs.Contains(seq);
                    }
                }
                if (!arrived)
                {
                    lost++;
                }
            }
        }
        return (expected, lost);
    }

    public static long MicrosecondsSince(long timestamp) => (Stopwatch.GetTimestamp() - timestamp) * 1_000_000 / Stopwatch.Frequency;
}
