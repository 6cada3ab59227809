
using System.Globalization;
using Chat.Messaging.Storage;
using Microsoft.Extensions.Time.Testing;
using Xunit.Sdk;

namespace Chat.Messaging.Tests;

/// <summary>
/// A randomized operation-sequence test of a conversation and message store pair against a small in-memory model.
/// Two store pairs over one database (two Messaging replicas) take the operations in turn, and now and then a burst of
/// concurrent sends across both. After every step the stores must hold what the model holds: gapless seqs, each
/// client message id once, equal histories, members, read markers and versions, and the same refusals.
/// </summary>
/// <remarks>
/// Seeded and reproducible: a fixed set of seeds by default, or the one in <see cref="SeedVariable"/>; a failure names its
/// seed and step. Concurrent sends in a burst come from one sender with one text, so whichever order the stores give
/// them, every later step chooses and expects the same.
/// </remarks>
public sealed class StoreModel
{
    public const string SeedVariable = "CHAT_STORE_MODEL_SEED";

    private const int Steps = 200;
    private const int Users = 6;
    private const int MaxMembers = 4;
    private const int MaxConversations = 6;
    private static readonly int[] DefaultSeeds = [1, 2, 3];

    private readonly Random _random;
    private readonly (IConversationStore Conversations, IMessageStore Messages)[] _replicas;
    private readonly FakeTimeProvider _clock;
    private readonly long[] _users;
    private readonly List<ModelConversation> _conversations = [];
    private readonly Queue<string> _recent = new();
    private int _nextClientId;

    private StoreModel(int seed, (IConversationStore, IMessageStore)[] replicas, FakeTimeProvider clock, long userBase)
    {
        _random = new Random(seed);
        _replicas = replicas;
        _clock = clock;
        _users = Enumerable.Range(1, Users).Select(i => userBase + i).ToArray();
    }

    /// <summary>Runs every seed on two replicas made by <paramref name="createReplica"/> over one database.</summary>
    public static async Task RunAsync(Func<(IConversationStore, IMessageStore)> createReplica, FakeTimeProvider clock)
    {
        (IConversationStore, IMessageStore)[] replicas = [createReplica(), createReplica()];
        int[] seeds = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } chosen
            ? [int.Parse(chosen, CultureInfo.InvariantCulture)]
            : DefaultSeeds;
        var userBase = 1_000_000L;
        foreach (var seed in seeds)
        {
            // Each seed has users of its own, so the runs share a database without seeing each other.
            var model = new StoreModel(seed, replicas, clock, userBase += 1_000);
            var step = 0;
            try
            {
                for (; step < Steps; step++)
                {
                    clock.Advance(TimeSpan.FromMilliseconds(1));
                    await model.StepAsync();
                    await model.CheckAsync();
                }
            }
            catch (Exception e)
            {
                throw new XunitException(
                    $"The store model failed with seed {seed} at step {step} (run it alone with {SeedVariable}={seed}).\n" +
                    $"Last steps:\n  {string.Join("\n  ", model._recent)}\n{e.Message}", e);
            }
        }
    }

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private (IConversationStore Conversations, IMessageStore Messages) AnyReplica => _replicas[_random.Next(_replicas.Length)];

    private void Log(string step)
    {
        _recent.Enqueue(step);
        if (_recent.Count > 12)
        {
            _recent.Dequeue();
        }
    }

    private async Task StepAsync()
    {
        if (_conversations.Count == 0)
        {
            await CreateGroupAsync();
            return;
        }
        var roll = _random.Next(100);
        switch (roll)
        {
            case < 25: await SendAsync(); break;
            case < 32: await RetrySendAsync(); break;
            case < 43: await EditAsync(); break;
            case < 51: await DeleteAsync(); break;
            case < 59: await MarkReadAsync(); break;
            case < 62 when _conversations.Count < MaxConversations: await CreateGroupAsync(); break;
            case < 65 when _conversations.Count < MaxConversations: await OpenDirectAsync(); break;
            case < 73: await AddMemberAsync(); break;
            case < 80: await RemoveMemberAsync(leave: false); break;
            case < 86: await RemoveMemberAsync(leave: true); break;
            case < 90: await RenameAsync(); break;
            case < 96: await BurstAsync(); break;
            default: await SendAsync(); break;
        }
    }

    // ---- operations: each runs on a store and holds its answer against the model's ----

    private async Task SendAsync()
    {
        var conversation = PickConversation();
        var sender = PickActor(conversation);
        var message = new NewMessage(conversation.Id, sender, NewClientId(), Text(), Media());
        Log($"send {message.ClientMessageId} by {sender} to {conversation.Id}");
        var result = await AnyReplica.Messages.AppendAsync(message, CancellationToken.None);
        AssertAppend(conversation.Append(message, Now), result);
    }

    private async Task RetrySendAsync()
    {
        var conversation = PickConversation();
        var sent = conversation.Messages.Where(m => m.Kind == MessageKinds.Text).ToList();
        if (sent.Count == 0)
        {
            await SendAsync();
            return;
        }
        // Same client id again, by its sender or (a different key) by someone else, with whatever text.
        var original = sent[_random.Next(sent.Count)];
        var sender = _random.Next(4) == 0 ? PickActor(conversation) : original.SenderId;
        var message = new NewMessage(conversation.Id, sender, original.ClientMessageId, Text(), Media());
        Log($"retry {message.ClientMessageId} by {sender} in {conversation.Id}");
        var result = await AnyReplica.Messages.AppendAsync(message, CancellationToken.None);
        AssertAppend(conversation.Append(message, Now), result);
    }

    private async Task EditAsync()
    {
        var (conversation, actor, seq) = PickChange();
        var text = Text();
        Log($"edit {conversation.Id}#{seq} by {actor}");
        var change = await AnyReplica.Messages.EditAsync(conversation.Id, actor, seq, text, CancellationToken.None);
        AssertChange(conversation.Change(actor, seq, Now, m => m with { Text = text, EditedAt = At(Now) }), change);
    }

    private async Task DeleteAsync()
    {
        var (conversation, actor, seq) = PickChange();
        Log($"delete {conversation.Id}#{seq} by {actor}");
        var change = await AnyReplica.Messages.DeleteAsync(conversation.Id, actor, seq, CancellationToken.None);
        AssertChange(conversation.Change(actor, seq, Now, m => m with { Text = "", Media = [], DeletedAt = At(Now) }), change);
    }

    private async Task MarkReadAsync()
    {
        var conversation = PickConversation();
        var user = PickActor(conversation);
        var seq = _random.NextInt64(0, conversation.LastSeq + 3);
        Log($"mark read {conversation.Id} by {user} at {seq}");
        var actual = await AnyReplica.Conversations.MarkReadAsync(conversation.Id, user, seq, CancellationToken.None);
        var expected = conversation.MarkRead(user, seq);
        Assert.Equal((expected.Status, expected.LastReadSeq), (actual.Status, actual.LastReadSeq));
        Assert.Equal(expected.MemberIds, actual.MemberIds);
    }

    private async Task CreateGroupAsync()
    {
        var owner = _users[_random.Next(Users)];
        var others = _users.Where(_ => _random.Next(3) == 0).Append(_users[_random.Next(Users)]).Take(MaxMembers - 1).ToList();
        var title = $"group {_random.Next(3)}";
        Log($"create group by {owner} with {string.Join(',', others)}");
        var change = await AnyReplica.Conversations.CreateGroupAsync(owner, title, others, CancellationToken.None);
        Assert.Equal(ChangeStatus.Done, change.Status);
        Assert.DoesNotContain(_conversations, c => c.Id == change.Conversation!.Id);
        var conversation = ModelConversation.Group(change.Conversation!.Id, owner, title, others, Now);
        _conversations.Add(conversation);
        AssertSame(conversation, change.Conversation);
        AssertMessages(conversation.Messages, change.SystemMessages);
        Assert.Equal(others.Prepend(owner).Distinct(), change.Audience);
    }

    private async Task OpenDirectAsync()
    {
        var first = _users[_random.Next(Users)];
        var second = _users.Where(u => u != first).ElementAt(_random.Next(Users - 1));
        Log($"open direct {first} with {second}");
        var conversation = await AnyReplica.Conversations.GetOrCreateDirectAsync(first, second, CancellationToken.None);
        var known = _conversations.Find(c => c.Kind == ConversationKinds.Direct && c.HasMember(first) && c.HasMember(second));
        if (known is null)
        {
            Assert.DoesNotContain(_conversations, c => c.Id == conversation.Id);
            known = ModelConversation.Direct(conversation.Id, first, second, Now);
            _conversations.Add(known);
        }
        AssertSame(known, conversation);
    }

    private async Task AddMemberAsync()
    {
        var conversation = PickConversation();
        var actor = _random.Next(3) > 0 && conversation.OwnerId is { } owner && conversation.HasMember(owner) ? owner : PickActor(conversation);
        var user = _users[_random.Next(Users)];
        Log($"add {user} to {conversation.Id} by {actor}");
        var change = await AnyReplica.Conversations.AddMemberAsync(conversation.Id, actor, user, MaxMembers, CancellationToken.None);
        AssertGroupChange(conversation, conversation.Add(actor, user, MaxMembers, Now), change);
    }

    private async Task RemoveMemberAsync(bool leave)
    {
        var conversation = PickConversation();
        var actor = !leave && _random.Next(3) > 0 && conversation.OwnerId is { } owner && conversation.HasMember(owner) ? owner : PickActor(conversation);
        var user = leave ? actor : PickActor(conversation);
        Log($"remove {user} from {conversation.Id} by {actor}");
        var change = await AnyReplica.Conversations.RemoveMemberAsync(conversation.Id, actor, user, CancellationToken.None);
        AssertGroupChange(conversation, conversation.Remove(actor, user, Now), change);
    }

    private async Task RenameAsync()
    {
        var conversation = PickConversation();
        var actor = PickActor(conversation);
        var title = $"group {_random.Next(3)}";
        Log($"rename {conversation.Id} by {actor} to {title}");
        var change = await AnyReplica.Conversations.RenameAsync(conversation.Id, actor, title, CancellationToken.None);
        AssertGroupChange(conversation, conversation.Rename(actor, title, Now), change);
    }

    /// <summary>
    /// Concurrent sends on both replicas: several new messages of one sender (one of them sent twice at once) to one
    /// conversation, and one send to another. Every new one gets one of the next seqs, each once; the twin gets its twin's.
    /// </summary>
    private async Task BurstAsync()
    {
        var conversation = PickConversation();
        var sender = PickActor(conversation);
        var text = Text();
        var ids = Enumerable.Range(0, _random.Next(2, 7)).Select(_ => NewClientId()).ToList();
        var sends = ids.Append(ids[0]).Select(id => new NewMessage(conversation.Id, sender, id, text, [])).ToList();
        var other = PickConversation();
        var aside = other == conversation ? null : new NewMessage(other.Id, PickActor(other), NewClientId(), Text(), []);
        Log($"burst of {sends.Count} by {sender} to {conversation.Id}" + (aside is null ? "" : $", and one by {aside.SenderId} to {other.Id}"));

        var running = sends.Select((message, i) => _replicas[i % 2].Messages.AppendAsync(message, CancellationToken.None)).ToList();
        var asideRunning = aside is null ? null : _replicas[1].Messages.AppendAsync(aside, CancellationToken.None);
        var results = await Task.WhenAll(running);

        if (!conversation.HasMember(sender))
        {
            Assert.All(results, r => Assert.Equal(AppendStatus.NotMember, r.Status));
        }
        else
        {
            // The stores choose the order; the model takes it, having checked it is the next seqs, each once.
            var appended = results.Where(r => r.Status == AppendStatus.Appended).OrderBy(r => r.Message!.Seq).ToList();
            Assert.Equal(ids.Count, appended.Count);
            Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => conversation.LastSeq + i), appended.Select(r => r.Message!.Seq));
            foreach (var result in appended)
            {
                var expected = conversation.Append(sends.First(s => s.ClientMessageId == result.Message!.ClientMessageId), Now);
                AssertAppend(expected, result);
            }
            var twins = results.Where(r => r.Message?.ClientMessageId == ids[0]).ToList();
            Assert.Equal(2, twins.Count);
            Assert.Equal([AppendStatus.Appended, AppendStatus.Duplicate], twins.Select(r => r.Status).Order());
            Assert.Single(twins.Select(r => r.Message!.Seq).Distinct());
        }
        if (asideRunning is not null)
        {
            AssertAppend(other.Append(aside!, Now), await asideRunning);
        }
    }

    // ---- choices ----

    private ModelConversation PickConversation() => _conversations[_random.Next(_conversations.Count)];

    /// <summary>Mostly a member, sometimes anyone (a stranger, or someone who left).</summary>
    private long PickActor(ModelConversation conversation) =>
        _random.Next(5) > 0 && conversation.Members.Count > 0
            ? conversation.MemberIds[_random.Next(conversation.Members.Count)]
            : _users[_random.Next(Users)];

    /// <summary>A message to change: mostly one of the actor's own, sometimes any seq (someone else's, a system one, none).</summary>
    private (ModelConversation, long Actor, long Seq) PickChange()
    {
        var conversation = PickConversation();
        var actor = PickActor(conversation);
        var own = conversation.Messages.Where(m => m.SenderId == actor && m.Kind == MessageKinds.Text).ToList();
        var seq = own.Count > 0 && _random.Next(3) > 0 ? own[_random.Next(own.Count)].Seq : _random.NextInt64(1, conversation.LastSeq + 2);
        return (conversation, actor, seq);
    }

    private string NewClientId() => $"c{_nextClientId++}";

    private string Text() => new((char)('a' + _random.Next(26)), _random.Next(1, 30));

    private long[] Media() => _random.Next(4) == 0 ? [_random.Next(1, 1000), _random.Next(1000, 2000)] : [];

    private static DateTimeOffset At(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    // ---- checks ----

    /// <summary>After every step: every conversation's history, and every user's conversations as the stores list them.</summary>
    private async Task CheckAsync()
    {
        var replica = AnyReplica;
        foreach (var conversation in _conversations)
        {
            var page = await replica.Messages.GetPageAsync(conversation.Id, null, 0, 10_000, CancellationToken.None);
            Assert.False(page.HasMore);
            Assert.Equal(Enumerable.Range(1, page.Messages.Count).Select(i => (long)i), page.Messages.Select(m => m.Seq));
            var keys = page.Messages.Select(m => (m.SenderId, m.ClientMessageId)).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count());
            AssertMessages(conversation.Messages, page.Messages);
            // Any one user: a member sees the conversation as it is, anyone else sees nothing.
            var user = _users[_random.Next(Users)];
            var seen = await replica.Conversations.FindForMemberAsync(conversation.Id, user, CancellationToken.None);
            if (conversation.HasMember(user))
            {
                AssertSame(conversation, seen);
            }
            else
            {
                Assert.Null(seen);
            }
        }
        foreach (var user in _users)
        {
            var listed = (await replica.Conversations.ListForMemberAsync(user, CancellationToken.None)).OrderBy(c => c.Id).ToList();
            var expected = _conversations.Where(c => c.HasMember(user)).OrderBy(c => c.Id).ToList();
            Assert.Equal(expected.Select(c => c.Id), listed.Select(c => c.Id));
            for (var i = 0; i < expected.Count; i++)
            {
                AssertSame(expected[i], listed[i]);
            }
        }
        await CheckSyncPagesAsync(replica.Messages, PickConversation());
    }

    /// <summary>
    /// From a random cursor and with small budgets, the Sync reads page through a conversation's updates and new messages
    /// advancing the cursors as the client does: every update and every new message exactly once, nothing skipped.
    /// </summary>
    private async Task CheckSyncPagesAsync(IMessageStore messages, ModelConversation conversation)
    {
        var afterSeq = _random.NextInt64(0, conversation.LastSeq + 1);
        var afterVersion = _random.NextInt64(0, conversation.LastVersion + 1);
        var expectedUpdates = conversation.Messages
            .Where(m => m.Seq <= afterSeq && m.Version > afterVersion && (m.EditedAt is not null || m.DeletedAt is not null))
            .OrderBy(m => m.Version).Select(m => m.Seq).ToList();
        var expectedNew = conversation.Messages.Where(m => m.Seq > afterSeq).Select(m => m.Seq).ToList();
        var updates = new List<long>();
        var fresh = new List<long>();
        for (var round = 0; ; round++)
        {
            Assert.True(round < 1_000, "Sync pages did not end.");
            var budget = new ReadBudget(_random.Next(1, 4), _random.Next(1, 60));
            var changed = afterSeq > 0 && conversation.LastVersion > afterVersion
                ? await messages.GetUpdatesAsync(conversation.Id, afterSeq, afterVersion, budget, CancellationToken.None)
                : [];
            var added = !budget.Exhausted && conversation.LastSeq > afterSeq
                ? await messages.GetMessagesAfterAsync(conversation.Id, afterSeq, budget, CancellationToken.None)
                : [];
            updates.AddRange(changed.Select(m => m.Seq));
            fresh.AddRange(added.Select(m => m.Seq));
            Assert.True(!budget.Exhausted || changed.Count + added.Count > 0, "A cut page must hold something.");
            afterVersion = !budget.Exhausted || added.Count > 0 ? conversation.LastVersion
                : changed.Count > 0 ? changed[^1].Version : afterVersion;
            afterSeq = added.Count > 0 ? added[^1].Seq : afterSeq;
            if (!budget.Exhausted)
            {
                break;
            }
        }
        Assert.Equal(expectedUpdates, updates);
        Assert.Equal(expectedNew, fresh);
    }

    private static void AssertAppend(AppendResult expected, AppendResult actual) =>
        AssertOutcome(expected.Status, actual.Status, expected.MemberIds, actual.MemberIds, expected.Message, actual.Message);

    private static void AssertChange(MessageChange expected, MessageChange actual) =>
        AssertOutcome(expected.Status, actual.Status, expected.MemberIds, actual.MemberIds, expected.Message, actual.Message);

    /// <summary>An append's or a change's answer: the same status, members to tell and message (or none).</summary>
    private static void AssertOutcome<TStatus>(
        TStatus expectedStatus, TStatus actualStatus, IReadOnlyList<long> expectedMembers, IReadOnlyList<long> actualMembers,
        ChatMessage? expected, ChatMessage? actual)
    {
        Assert.Equal(expectedStatus, actualStatus);
        Assert.Equal(expectedMembers, actualMembers);
        if (expected is null)
        {
            Assert.Null(actual);
        }
        else
        {
            AssertMessage(expected, actual);
        }
    }

    private static void AssertGroupChange(ModelConversation conversation, ConversationChange expected, ConversationChange actual)
    {
        Assert.Equal(expected.Status, actual.Status);
        if (expected.Status != ChangeStatus.Done)
        {
            Assert.Null(actual.Conversation);
            Assert.Empty(actual.SystemMessages);
            Assert.Empty(actual.Audience);
            return;
        }
        AssertSame(conversation, actual.Conversation);
        AssertMessages(expected.SystemMessages, actual.SystemMessages);
        Assert.Equal(expected.Audience, actual.Audience);
    }

    private static void AssertSame(ModelConversation expected, Conversation? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(
            (expected.Id, expected.Kind, expected.Title, expected.OwnerId, expected.LastSeq, expected.LastVersion),
            (actual.Id, actual.Kind, actual.Title, actual.OwnerId, actual.LastSeq, actual.LastVersion));
        Assert.Equal(expected.Ordered.Select(m => (m.UserId, m.LastReadSeq)), actual.Members.Select(m => (m.UserId, m.LastReadSeq)));
    }

    private static void AssertMessages(IReadOnlyList<ChatMessage> expected, IReadOnlyList<ChatMessage> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            AssertMessage(expected[i], actual[i]);
        }
    }

    private static void AssertMessage(ChatMessage expected, ChatMessage? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(Describe(expected), Describe(actual));
    }

    /// <summary>Everything a message holds, as text (a system message's client id is the store's own).</summary>
    private static string Describe(ChatMessage m) => string.Join(" | ",
        m.ConversationId, m.Seq, m.SenderId, m.Kind == MessageKinds.System ? m.ClientMessageId[..7] : m.ClientMessageId, m.Kind, m.Text,
        string.Join(',', m.Media), m.System is { } s ? $"{s.Event}/{s.ActorId}/{string.Join(',', s.UserIds)}/{s.Title}" : "-",
        m.CreatedAt.ToUnixTimeMilliseconds(), m.EditedAt?.ToUnixTimeMilliseconds(), m.DeletedAt?.ToUnixTimeMilliseconds(), m.Version);

    // ---- the model ----

    private sealed class ModelMember(long userId, long joinedAt)
    {
        public long UserId { get; } = userId;

        public long JoinedAt { get; } = joinedAt;

        public long LastReadSeq { get; set; }
    }

    /// <summary>What a conversation must be: its members in joining order, its messages by seq, its version counter.</summary>
    private sealed class ModelConversation
    {
        private ModelConversation(long id, string kind, string? title, long? ownerId)
        {
            Id = id;
            Kind = kind;
            Title = title;
            OwnerId = ownerId;
        }

        public long Id { get; }

        public string Kind { get; }

        public string? Title { get; private set; }

        public long? OwnerId { get; private set; }

        public List<ModelMember> Members { get; } = [];

        public List<ChatMessage> Messages { get; } = [];

        public long LastSeq => Messages.Count;

        public long LastVersion { get; private set; }

        public IEnumerable<ModelMember> Ordered => Members.OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId);

        public long[] MemberIds => Ordered.Select(m => m.UserId).ToArray();

        public bool HasMember(long userId) => Members.Exists(m => m.UserId == userId);

        public static ModelConversation Direct(long id, long first, long second, long now)
        {
            var direct = new ModelConversation(id, ConversationKinds.Direct, null, null);
            direct.Members.AddRange([new ModelMember(first, now), new ModelMember(second, now)]);
            return direct;
        }

        public static ModelConversation Group(long id, long owner, string title, IReadOnlyList<long> others, long now)
        {
            var group = new ModelConversation(id, ConversationKinds.Group, title, owner);
            var everyone = others.Prepend(owner).Distinct().ToList();
            group.Members.AddRange(everyone.Select(u => new ModelMember(u, now)));
            group.AppendSystem(new SystemEvent(SystemEvents.Created, owner, everyone, title), now);
            return group;
        }

        /// <summary>Members only; a client id the sender already used returns that message as it is now.</summary>
        public AppendResult Append(NewMessage message, long now)
        {
            if (!HasMember(message.SenderId))
            {
                return new AppendResult(AppendStatus.NotMember, null, []);
            }
            if (Messages.Find(m => m.SenderId == message.SenderId && m.ClientMessageId == message.ClientMessageId) is { } original)
            {
                return new AppendResult(AppendStatus.Duplicate, original, MemberIds);
            }
            var stored = Add(message.SenderId, message.ClientMessageId, MessageKinds.Text, message.Text, message.Media, null, now);
            return new AppendResult(AppendStatus.Appended, stored, MemberIds);
        }

        /// <summary>The sender changes their own text message, unless it is deleted; others see no message or may not.</summary>
        public MessageChange Change(long actor, long seq, long now, Func<ChatMessage, ChatMessage> change)
        {
            if (!HasMember(actor) || seq < 1 || seq > LastSeq)
            {
                return MessageChange.Failed(ChangeStatus.NotFound);
            }
            var message = Messages[(int)seq - 1];
            if (message.SenderId != actor || message.Kind != MessageKinds.Text)
            {
                return MessageChange.Failed(ChangeStatus.NotAllowed);
            }
            if (message.DeletedAt is not null)
            {
                return MessageChange.Failed(ChangeStatus.Unchanged);
            }
            var changed = change(message) with { Version = ++LastVersion };
            Messages[(int)seq - 1] = changed;
            return new MessageChange(ChangeStatus.Done, changed, MemberIds);
        }

        public ReadMarkerChange MarkRead(long user, long seq)
        {
            if (Members.Find(m => m.UserId == user) is not { } member)
            {
                return new ReadMarkerChange(ChangeStatus.NotFound, 0, []);
            }
            var target = Math.Min(seq, LastSeq);
            if (member.LastReadSeq >= target)
            {
                return new ReadMarkerChange(ChangeStatus.Unchanged, member.LastReadSeq, []);
            }
            member.LastReadSeq = target;
            return new ReadMarkerChange(ChangeStatus.Done, target, MemberIds);
        }

        public ConversationChange Add(long actor, long user, int maxMembers, long now) =>
            ChangeGroup(actor, now, () =>
                OwnerId != actor ? ChangeStatus.NotAllowed
                : HasMember(user) ? ChangeStatus.Unchanged
                : Members.Count >= maxMembers ? ChangeStatus.Full
                : null,
                () =>
                {
                    Members.Add(new ModelMember(user, now));
                    return [new SystemEvent(SystemEvents.MemberAdded, actor, [user], null)];
                });

        public ConversationChange Remove(long actor, long user, long now) =>
            ChangeGroup(actor, now, () =>
                actor != user && OwnerId != actor ? ChangeStatus.NotAllowed
                : !HasMember(user) ? ChangeStatus.NotFound
                : null,
                () =>
                {
                    // An owner who leaves hands the group to the longest-standing member.
                    var heir = Ordered.FirstOrDefault(m => m.UserId != user);
                    var events = new List<SystemEvent>
                    {
                        actor == user
                            ? new SystemEvent(SystemEvents.MemberLeft, user, [user], null)
                            : new SystemEvent(SystemEvents.MemberRemoved, actor, [user], null),
                    };
                    if (OwnerId == user && heir is not null)
                    {
                        events.Add(new SystemEvent(SystemEvents.OwnerChanged, user, [heir.UserId], null));
                        OwnerId = heir.UserId;
                    }
                    Members.RemoveAll(m => m.UserId == user);
                    return events;
                });

        public ConversationChange Rename(long actor, string title, long now) =>
            ChangeGroup(actor, now, () => Title == title ? ChangeStatus.Unchanged : null, () =>
            {
                Title = title;
                return [new SystemEvent(SystemEvents.Renamed, actor, [], title)];
            });

        /// <summary>A member changes a group: refused, or applied with its system messages; the audience is everyone before and after.</summary>
        private ConversationChange ChangeGroup(long actor, long now, Func<ChangeStatus?> refuse, Func<IReadOnlyList<SystemEvent>> apply)
        {
            if (!HasMember(actor))
            {
                return ConversationChange.Failed(ChangeStatus.NotFound);
            }
            if (Kind != ConversationKinds.Group)
            {
                return ConversationChange.Failed(ChangeStatus.NotAllowed);
            }
            if (refuse() is { } refused)
            {
                return ConversationChange.Failed(refused);
            }
            var before = MemberIds;
            var messages = apply().Select(e => AppendSystem(e, now)).ToList();
            return new ConversationChange(ChangeStatus.Done, null, messages, before.Union(MemberIds).ToArray());
        }

        private ChatMessage AppendSystem(SystemEvent system, long now) =>
            Add(system.ActorId, "system-", MessageKinds.System, "", [], system, now);

        /// <summary>The next seq and version; what you send (or do) you have read.</summary>
        private ChatMessage Add(long sender, string clientMessageId, string kind, string text, IReadOnlyList<long> media, SystemEvent? system, long now)
        {
            var message = new ChatMessage(Id, LastSeq + 1, sender, clientMessageId, kind, text, media, system, At(now), null, null, ++LastVersion);
            Messages.Add(message);
            if (Members.Find(m => m.UserId == sender) is { } member && member.LastReadSeq < message.Seq)
            {
                member.LastReadSeq = message.Seq;
            }
            return message;
        }
    }
}
