namespace Chat.Identity.Users;

/// <summary>Who may add a user to a group: the values of the <c>groupAdds</c> setting.</summary>
public static class GroupAdds
{
    public const string Everyone = "everyone";

    /// <summary>Only people the user already shares a conversation with.</summary>
    public const string Contacts = "contacts";

    public const string Nobody = "nobody";

    public static readonly IReadOnlyList<string> All = [Everyone, Contacts, Nobody];
}
