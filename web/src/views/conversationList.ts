// The sidebar's conversation list: one button per conversation, most recent first, reused and moved (never rebuilt).

import { formatTime, h, listen, type View } from '../dom';
import { systemText } from '../format';
import type { Id, Message } from '../model';
import type { ConvState } from '../state/convState';
import { sortedConversations } from '../state/conversations';
import { otherMember, senderName, title } from '../state/directory';
import { presenceStatus } from '../state/presence';
import type { Store } from '../state/store';
import { typingNames } from '../state/typing';
import { avatar } from './avatar';

/** The list row's second line for a message. */
export function preview(s: Store, msg: Message): string {
  if (msg.kind === 'system') return systemText(msg, (id) => senderName(s, id));
  if (msg.deletedAt) return 'Message deleted';
  const media = msg.media?.length ?? 0;
  const body = (msg.text || (media ? media === 1 ? 'Attachment' : `${media} attachments` : '')).slice(0, 120).replace(/\s+/g, ' ');
  return s.isMe(msg.senderId) ? `You: ${body}` : body;
}

function renderItem(s: Store, btn: HTMLButtonElement, cs: ConvState): void {
  const name = title(s, cs);
  const group = cs.conv.kind === 'group';
  const other = group ? null : otherMember(s, cs);
  const status = presenceStatus(s, other);
  const last = cs.conv.lastMessage;
  const typing = typingNames(s, cs);
  let text: string;
  if (typing.length) text = typing.length === 1 ? `${group ? `${typing[0]} is ` : ''}typing…` : `${typing.length} people typing…`;
  else if (last) text = preview(s, last);
  else text = group ? `${cs.conv.members.length} members` : 'No messages yet';
  const unread = cs.unread;
  const open = s.openId === cs.id;

  btn.className = `conv-item${open ? ' active' : ''}${unread > 0 ? ' has-unread' : ''}`;
  btn.dataset.kind = String(cs.conv.kind);
  btn.title = name;
  if (open) btn.setAttribute('aria-current', 'true');
  else btn.removeAttribute('aria-current');
  btn.setAttribute('aria-label', `${name}${unread ? `, ${unread} unread` : ''}${status ? `, ${status}` : ''}`);
  btn.replaceChildren(
    group ? avatar(name, cs.conv.id) : avatar(name, other ?? cs.conv.id, status),
    h('span', { class: 'conv-body' },
      h('span', { class: 'conv-top' },
        h('span', { class: 'conv-name' }, group ? `# ${name}` : name),
        h('span', { class: 'conv-time' }, formatTime(last?.createdAt))),
      h('span', { class: 'conv-bottom' },
        h('span', { class: `conv-preview${typing.length ? ' typing' : ''}` }, text),
        unread > 0 ? h('span', { class: 'unread', 'aria-hidden': 'true' }, unread > 999 ? '999+' : String(unread)) : null)),
  );
}

/** `root` is the list element (#conversations); `onSelect` opens a conversation. */
export function createConversationList(root: HTMLElement, s: Store, onSelect: (id: Id) => void): View & { reset(): void } {
  const items = new Map<Id, HTMLButtonElement>();

  function update(): void {
    const list = sortedConversations(s);
    const seen = new Set<Id>();
    let prev: Element | null = null;
    for (const cs of list) {
      seen.add(cs.id);
      let btn = items.get(cs.id);
      if (!btn) {
        const id = cs.id;
        btn = h('button', { type: 'button', class: 'conv-item', 'data-conversation-id': String(id) });
        btn.addEventListener('click', () => onSelect(id));
        items.set(id, btn);
      }
      renderItem(s, btn, cs);
      const expectedNext: Element | null = prev ? prev.nextElementSibling : root.firstElementChild;
      if (expectedNext !== btn) root.insertBefore(btn, expectedNext);
      prev = btn;
    }
    for (const [id, btn] of items) {
      if (!seen.has(id)) {
        btn.remove();
        items.delete(id);
      }
    }
    const empty = root.querySelector('.conv-empty');
    if (!list.length && !empty) {
      root.appendChild(h('div', { class: 'conv-empty' }, 'No conversations yet. Search for someone above, or create a group.'));
    } else if (list.length) empty?.remove();
  }

  // Arrow keys move through the list.
  const offKeys = listen(root, 'keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = [...root.querySelectorAll<HTMLButtonElement>('.conv-item')];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[e.key === 'ArrowDown' ? i + 1 : i - 1];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  });

  return {
    update,
    reset() {
      root.replaceChildren();
      items.clear();
    },
    dispose() {
      offKeys();
      root.replaceChildren();
      items.clear();
    },
  };
}
