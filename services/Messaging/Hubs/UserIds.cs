using System.Globalization;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Messaging.Hubs;

/// <summary>SignalR addresses users by string; Chat's ids are numbers.</summary>
public static class UserIds
{
    public static string ToString(long id) => id.ToString(CultureInfo.InvariantCulture);

    public static IReadOnlyList<string> ToStrings(IReadOnlyList<long> ids)
    {
        var strings = new string[ids.Count];
        for (var i = 0; i < strings.Length; i++)
        {
            strings[i] = ToString(ids[i]);
        }
        return strings;
    }
}

/// <summary>A connection belongs to the token's subject, so <c>Clients.User(id)</c> reaches every device of that user.</summary>
public sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User.FindFirst(ChatClaims.UserId)?.Value;
}
