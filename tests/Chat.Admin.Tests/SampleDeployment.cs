using System.Security.Cryptography;
using Chat.Identity.Users;
using Chat.Media.Storage;
using Chat.Messaging.Storage;

namespace Chat.Admin.Tests;

/// <summary>
/// A small deployment built through the real SQLite stores: three users (one with a setting changed, one blocking
/// another), a direct conversation with an edited and a deleted message, a renamed group with a photo attached, read
/// markers, and the photo's blob.
/// </summary>
internal sealed record SampleDeployment(
    IReadOnlyList<(long Id, string Username)> Users,
    long AliceId,
    long BobId,
    long DirectId,
    long GroupId,
    long MediaId,
    string BlobKey,
    byte[] BlobBytes)
{
    public static async Task<SampleDeployment> CreateAsync(string dataDirectory)
    {
        var ct = CancellationToken.None;
        using var stores = DeploymentReaders.OpenSqlite(dataDirectory);
        var alice = (await stores.Users.CreateAsync("alice", "Alice Archer", "hash-of-alice", ct))!;
        var bob = (await stores.Users.CreateAsync("bob", "Bob Baker", "hash-of-bob", ct))!;
        var carol = (await stores.Users.CreateAsync("Carol", "Carol Cooper", "hash-of-carol", ct))!;
        await stores.Users.UpdateGroupAddsAsync(carol.Id, GroupAdds.Contacts, ct);
        await stores.IdentityBlocks.AddAsync(carol.Id, bob.Id, ct);
        await stores.MessagingBlocks.SetAsync(carol.Id, bob.Id, blocked: true, ct);

        var direct = await stores.Conversations.GetOrCreateDirectAsync(alice.Id, bob.Id, ct);
        await SendAsync(stores, direct.Id, alice.Id, "d1", "hi bob");
        await SendAsync(stores, direct.Id, bob.Id, "d2", "hi alice");
        var typo = await SendAsync(stores, direct.Id, alice.Id, "d3", "helo");
        var oops = await SendAsync(stores, direct.Id, bob.Id, "d4", "wrong chat");
        await stores.Messages.EditAsync(direct.Id, alice.Id, typo, "hello", ct);
        await stores.Messages.DeleteAsync(direct.Id, bob.Id, oops, ct);

        var group = (await stores.Conversations.CreateGroupAsync(alice.Id, "Trip", [bob.Id, carol.Id], ct)).Conversation!;
        await SendAsync(stores, group.Id, alice.Id, "g1", "welcome");
        var bytes = RandomNumberGenerator.GetBytes(4096);
        var key = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var staged = Path.Combine(dataDirectory, "staged-photo");
        await File.WriteAllBytesAsync(staged, bytes, ct);
        await stores.Blobs.PutAsync(key, staged, ct);
        var photo = await stores.Media.AddAsync(new NewMedia(group.Id, alice.Id, key, "image/png", bytes.Length, "photo.png", 8, 8, null), ct);
        var sent = (await stores.Messages.AppendAsync(new NewMessage(group.Id, alice.Id, "g2", "a photo", [photo.Id]), ct)).Message!;
        await stores.Media.ApplyReferencesAsync([new Chat.Media.Storage.MediaReferenceChange(photo.Id, group.Id, sent.Seq, Attached: true)], ct);
        await stores.Conversations.RenameAsync(group.Id, bob.Id, "Trip 2027", ct);
        await SendAsync(stores, group.Id, alice.Id, "g3", "see you there");
        // Carol never sent here, so her marker is only where she put it.
        await stores.Conversations.MarkReadAsync(group.Id, carol.Id, 2, ct);

        return new SampleDeployment([(alice.Id, alice.Username), (bob.Id, bob.Username), (carol.Id, carol.Username)],
            alice.Id, bob.Id, direct.Id, group.Id, photo.Id, key, bytes);
    }

    private static async Task<long> SendAsync(DeploymentReaders stores, long conversationId, long senderId, string clientId, string text)
    {
        var result = await stores.Messages.AppendAsync(new NewMessage(conversationId, senderId, clientId, text, []), CancellationToken.None);
        Assert.Equal(AppendStatus.Appended, result.Status);
        return result.Message!.Seq;
    }
}
