// "… is typing": others' typing shown for 5 s, mine sent at most every 3 s.

import { normId } from '../model';
import type { ConvState } from './convState';
import { userName } from './directory';
import type { Store } from './store';

export const TYPING_SHOW_MS = 5000;
export const TYPING_SEND_EVERY_MS = 3000;

export function setTyping(s: Store, data: Record<string, unknown>, now = Date.now()): void {
  const cs = s.convs.get(normId(data.conversationId));
  const userId = normId(data.userId);
  if (!cs || !userId || s.isMe(userId)) return;
  cs.typing.set(userId, now + TYPING_SHOW_MS);
  s.changedConversations();
  setTimeout(() => s.changedConversations(), TYPING_SHOW_MS + 100);
}

export function typingNames(s: Store, cs: ConvState, now = Date.now()): string[] {
  const names: string[] = [];
  for (const [id, until] of cs.typing) {
    if (until > now) names.push(userName(s, id));
    else cs.typing.delete(id);
  }
  return names;
}

/** The user is typing in `cs`: tell the others, at most every 3 s. */
export function typing(s: Store, cs: ConvState, now = Date.now()): void {
  if (now - cs.lastTypingSent < TYPING_SEND_EVERY_MS || !s.transport?.connected()) return;
  cs.lastTypingSent = now;
  s.transport.invoke('Typing', cs.conv.id).catch(() => undefined);
}
