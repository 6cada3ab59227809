// The open conversation's header (name, avatar, presence or member count) and its typing line.

import { part, type View } from '../dom';
import { otherMember, title } from '../state/directory';
import { presenceStatus } from '../state/presence';
import type { Store } from '../state/store';
import { typingNames } from '../state/typing';
import { paintAvatar, presenceText } from './avatar';

export function typingText(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

/** `root` holds #conversation-title, #conversation-subtitle, #conversation-avatar and #typing-indicator. */
export function createConversationHeader(root: HTMLElement, s: Store): View {
  const titleEl = part(root, 'conversation-title');
  const subtitleEl = part(root, 'conversation-subtitle');
  const avatarEl = part(root, 'conversation-avatar');
  const typingEl = part(root, 'typing-indicator');

  function update(): void {
    const cs = s.get(s.openId);
    if (!cs) return;
    const name = title(s, cs);
    titleEl.textContent = name;
    const direct = cs.conv.kind === 'direct';
    const other = direct ? otherMember(s, cs) : null;
    paintAvatar(avatarEl, name, other ?? cs.conv.id, direct ? presenceStatus(s, other) : undefined);
    if (direct) subtitleEl.textContent = presenceText(s, other);
    else {
      const online = cs.conv.members.filter((m) => !s.isMe(m.userId) && s.presence.get(m.userId)?.status === 'online').length;
      subtitleEl.textContent = `${cs.conv.members.length} members${online ? `, ${online} online` : ''}`;
    }
    const names = typingNames(s, cs);
    typingEl.textContent = typingText(names);
    typingEl.hidden = names.length === 0;
  }

  return { update, dispose: () => undefined };
}
