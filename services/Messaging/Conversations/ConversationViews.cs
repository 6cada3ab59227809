using Chat.Messaging.Contracts;
using Chat.Messaging.Messages;
using Chat.Messaging.Storage;

namespace Chat.Messaging.Conversations;

/// <summary>Stored conversations in their wire form, as one member sees them (their read marker, their unread count).</summary>
public static class ConversationViews
{
    public static ConversationView For(Conversation conversation, long userId, ChatMessage? lastMessage)
    {
        long lastRead = 0;
        var members = new MemberView[conversation.Members.Count];
        for (var i = 0; i < members.Length; i++)
        {
            var member = conversation.Members[i];
            members[i] = new MemberView(member.UserId, member.LastReadSeq);
            if (member.UserId == userId)
            {
                lastRead = member.LastReadSeq;
            }
        }
        return new ConversationView(conversation.Id, conversation.Kind, conversation.Title, conversation.OwnerId, members,
            conversation.LastSeq, lastRead, Math.Max(0, conversation.LastSeq - lastRead), lastMessage.ToViewOrNull(), conversation.CreatedAt,
            conversation.LastVersion);
    }
}
