using System.Collections.Concurrent;
using System.Net;
using Chat.Messaging.Storage;
using Chat.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Messaging.Tests;

/// <summary>
/// Messaging whose conversation store counts membership lookups; typing neither throttled nor rate-limited, and the
/// relay's member lists kept for an hour, so only a membership change can end them.
/// </summary>
public sealed class TypingMembershipFixture() : MessagingFixture(messaging => messaging
    .Set("Messaging:TypingThrottle", TimeSpan.Zero)
    .Set("Messaging:TypingMembershipCacheDuration", TimeSpan.FromMinutes(10))
    .Set("Messaging:RateLimits:Typing:Burst", 1_000_000)
    .Set("Messaging:RateLimits:Typing:Tokens", 1_000_000)
    .Services(services => services.AddSingleton<IConversationStore>(sp =>
        new CountingConversationStore(ActivatorUtilities.CreateInstance<SqliteConversationStore>(sp)))))
{
    public CountingConversationStore Store => (CountingConversationStore)Messaging.Services.GetRequiredService<IConversationStore>();
}

public sealed class TypingMembershipTests(TypingMembershipFixture fixture) : IClassFixture<TypingMembershipFixture>
{
    [Fact]
    public async Task AThousandTypingNoticesFromAStrangerDoNotEachReachTheStore()
    {
        var (_, _, conversationId) = await fixture.CreatePairAsync();
        var stranger = await fixture.Identity.CreateUserAsync();
        await using var hub = await fixture.ConnectAsync(stranger);

        var refusals = 0;
        for (var i = 0; i < 1000; i++)
        {
            var error = await Assert.ThrowsAsync<HubException>(() => hub.Connection.InvokeAsync("Typing", conversationId));
            refusals += HubErrorText(error).StartsWith("conversation-not-found:", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.Equal(1000, refusals);
        Assert.Equal(1, fixture.Store.LookupsOf(conversationId, stranger.Id));
    }

    [Fact]
    public async Task AMemberRemovedFromAGroupStopsBeingRelayedAtOnce()
    {
        var owner = await fixture.Identity.CreateUserAsync();
        var stays = await fixture.Identity.CreateUserAsync();
        var removed = await fixture.Identity.CreateUserAsync();
        var groupId = await fixture.CreateGroupAsync(owner, "typing", stays, removed);
        await using var staysHub = await fixture.ConnectAsync(stays);
        await using var removedHub = await fixture.ConnectAsync(removed);
        await removedHub.Connection.InvokeAsync("Typing", groupId);
        await staysHub.NextAsync("TypingChanged", t => t.GetProperty("userId").GetInt64() == removed.Id);

        using var client = fixture.Messaging.ClientFor(owner);
        using (var removal = await client.DeleteAsync($"/api/conversations/{groupId}/members/{removed.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, removal.StatusCode);
        }
        var refused = await AssertHubErrorAsync(() => removedHub.Connection.InvokeAsync("Typing", groupId), "conversation-not-found");
        await using var ownerHub = await fixture.ConnectAsync(owner);
        await ownerHub.Connection.InvokeAsync("Typing", groupId);

        var seen = await staysHub.ReadUntilAsync("TypingChanged", t => t.GetProperty("userId").GetInt64() == owner.Id);
        Assert.DoesNotContain(seen, e => e.Name == "TypingChanged" && e.Payload.GetProperty("userId").GetInt64() == removed.Id);
    }
}

/// <summary>The real store, counting how often each (conversation, user) membership is looked up.</summary>
public sealed class CountingConversationStore(IConversationStore inner) : IConversationStore
{
    private readonly ConcurrentDictionary<(long ConversationId, long UserId), int> _lookups = new();

    public int LookupsOf(long conversationId, long userId) => _lookups.GetValueOrDefault((conversationId, userId));

    public Task<Conversation?> FindForMemberAsync(long conversationId, long userId, CancellationToken cancellationToken)
    {
        _lookups.AddOrUpdate((conversationId, userId), 1, (_, count) => count + 1);
        return inner.FindForMemberAsync(conversationId, userId, cancellationToken);
    }

    public Task<Conversation> GetOrCreateDirectAsync(long userId, long otherUserId, CancellationToken cancellationToken) =>
        inner.GetOrCreateDirectAsync(userId, otherUserId, cancellationToken);

    public Task<ConversationChange> CreateGroupAsync(long ownerId, string title, IReadOnlyList<long> memberIds, CancellationToken cancellationToken) =>
        inner.CreateGroupAsync(ownerId, title, memberIds, cancellationToken);

    public Task<IReadOnlyList<Conversation>> ListForMemberAsync(long userId, CancellationToken cancellationToken) =>
        inner.ListForMemberAsync(userId, cancellationToken);

    public Task<ConversationChange> AddMemberAsync(long conversationId, long actorId, long userId, int maxMembers, CancellationToken cancellationToken) =>
        inner.AddMemberAsync(conversationId, actorId, userId, maxMembers, cancellationToken);

    public Task<ConversationChange> RemoveMemberAsync(long conversationId, long actorId, long userId, CancellationToken cancellationToken) =>
        inner.RemoveMemberAsync(conversationId, actorId, userId, cancellationToken);

    public Task<ConversationChange> RenameAsync(long conversationId, long actorId, string title, CancellationToken cancellationToken) =>
        inner.RenameAsync(conversationId, actorId, title, cancellationToken);

    public Task<IReadOnlySet<long>> ListContactsAsync(long userId, CancellationToken cancellationToken) =>
        inner.ListContactsAsync(userId, cancellationToken);

    public Task<ReadMarkerChange> MarkReadAsync(long conversationId, long userId, long seq, CancellationToken cancellationToken) =>
        inner.MarkReadAsync(conversationId, userId, seq, cancellationToken);
}
