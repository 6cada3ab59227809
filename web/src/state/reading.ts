// Read state: my read position (MarkRead while viewing), unread counts, and what the others have read.

import { normId } from '../model';
import { num, type ConvState } from './convState';
import type { Store } from './store';

export function setViewing(s: Store, viewing: boolean): void {
  s.viewing = viewing;
  if (viewing) markReadIfViewing(s);
}

/** The open conversation is visible and focused: everything in it is read. */
export function markReadIfViewing(s: Store): void {
  const cs = s.get(s.openId);
  if (!cs || !s.viewing) return;
  const seq = Math.max(cs.conv.lastSeq, cs.loaded ? cs.last : 0);
  if (cs.unread) {
    cs.unread = 0;
    s.changedConversations();
  }
  cs.localReadSeq = Math.max(cs.localReadSeq, seq);
  if (seq > cs.sentReadSeq && s.transport?.connected()) {
    const prev = cs.sentReadSeq;
    cs.sentReadSeq = seq;
    s.transport.invoke('MarkRead', cs.conv.id, seq).catch(() => {
      if (cs.sentReadSeq === seq) cs.sentReadSeq = prev;
    });
  }
}

/** Other members who have read up to `seq`. */
export function seenBy(s: Store, cs: ConvState, seq: number): number {
  let n = 0;
  for (const m of cs.conv.members) {
    if (s.isMe(m.userId)) continue;
    if ((cs.readBy.get(m.userId) ?? 0) >= seq) n++;
  }
  return n;
}

/** A ReadMarkerChanged push: mine (another tab or device) clears unread, another member's shows as "Seen". */
export function applyReadMarker(s: Store, data: Record<string, unknown>): void {
  const cs = s.convs.get(normId(data.conversationId));
  if (!cs) return;
  const seq = num(data.lastReadSeq ?? data.seq, NaN);
  if (!Number.isFinite(seq)) return;
  const userId = normId(data.userId);
  if (!userId || s.isMe(userId)) {
    cs.localReadSeq = Math.max(cs.localReadSeq, seq);
    cs.sentReadSeq = Math.max(cs.sentReadSeq, seq);
    cs.unread = seq >= cs.conv.lastSeq ? 0 : Math.min(cs.unread, cs.conv.lastSeq - seq);
    s.changedConversations();
  } else {
    cs.readBy.set(userId, Math.max(cs.readBy.get(userId) ?? 0, seq));
    s.changedMessages(cs.id);
  }
}

/** The server's view of my unread count and read position, reconciled with what this tab already read. */
export function applyServerReadState(s: Store, cs: ConvState, unreadCount: unknown, lastReadSeq: unknown): void {
  if (unreadCount !== undefined && unreadCount !== null) {
    const serverUnread = Math.max(0, num(unreadCount, 0));
    const serverRead = num(lastReadSeq, -1);
    cs.unread =
      cs.localReadSeq > serverRead ? Math.max(0, Math.min(serverUnread, cs.conv.lastSeq - cs.localReadSeq)) : serverUnread;
    if (serverRead > cs.localReadSeq) cs.localReadSeq = serverRead;
    if (serverRead > cs.sentReadSeq) cs.sentReadSeq = serverRead;
  }
  for (const m of cs.conv.members) {
    const read = num(m.lastReadSeq, NaN);
    if (Number.isFinite(read) && !s.isMe(m.userId)) cs.readBy.set(m.userId, Math.max(cs.readBy.get(m.userId) ?? 0, read));
  }
}
