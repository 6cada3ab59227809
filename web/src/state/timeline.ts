// A conversation's message window: messages by seq, the contiguous range (`last`), paging back, and gap repair.
// Hub pushes are hints checked against `last`; any hole is fetched until the window reaches the newest seq.

import { ApiError } from '../errors';
import { normMessage, type Message } from '../model';
import { timeOf, type ConvState } from './convState';
import { markReadIfViewing } from './reading';
import type { Store } from './store';

const PAGE_SIZE = 50;
const GAP_PAGE_SIZE = 100;

export function advanceTo(cs: ConvState, upTo: number): void {
  if (upTo > cs.last) cs.last = upTo;
  while (cs.messages.has(cs.last + 1)) cs.last++;
}

function maxHeld(cs: ConvState): number {
  let max = cs.last;
  for (const seq of cs.messages.keys()) if (seq > max) max = seq;
  return max;
}

/** The optimistic bubble this confirmed message stands for (same clientMessageId, or the seq its send returned) leaves. */
function resolvePending(s: Store, cs: ConvState, msg: Message): void {
  for (const p of cs.pending.values()) {
    if ((msg.clientMessageId && p.clientMessageId === msg.clientMessageId) || p.seq === msg.seq) {
      cs.pending.delete(p.clientMessageId);
      s.changedMessages(cs.id);
      return;
    }
  }
}

/**
 * Add a message from any source. Duplicates (same seq) are ignored; the optimistic bubble with the same clientMessageId
 * (or seq) is resolved. `checkGap`: a seq beyond last+1 fetches the hole. True when the message was new to the
 * conversation; false too for an unknown conversation (the caller decides whether to look for it).
 */
export function ingest(s: Store, raw: unknown, checkGap = true): boolean {
  if (!raw) return false;
  const msg = normMessage(raw);
  if (!msg.conversationId || !Number.isFinite(msg.seq)) return false;
  const cs = s.convs.get(msg.conversationId);
  if (!cs) return false;
  const viewing = s.openId === cs.id && s.viewing;
  const mine = s.isMe(msg.senderId);
  let fresh = false;

  if (msg.seq > cs.conv.lastSeq) {
    fresh = true;
    cs.conv.lastSeq = msg.seq;
    cs.conv.lastMessage = msg;
    cs.activity = Math.max(cs.activity, timeOf(msg.createdAt) || Date.now());
    if (!mine && !viewing && msg.kind !== 'system' && msg.seq > cs.localReadSeq) cs.unread++;
    s.changedConversations();
  } else if (!cs.conv.lastMessage || cs.conv.lastMessage.seq <= msg.seq) {
    cs.conv.lastMessage = msg;
    s.changedConversations();
  }
  if (mine) cs.localReadSeq = Math.max(cs.localReadSeq, msg.seq);
  if (mine && msg.seq > cs.sentReadSeq) cs.sentReadSeq = msg.seq; // the server marks own messages read
  if (cs.typing.delete(msg.senderId)) s.changedConversations();
  resolvePending(s, cs, msg);
  if (viewing) markReadIfViewing(s);

  if (!cs.loaded) return fresh;
  if (cs.messages.has(msg.seq)) return false;
  // Older than the contiguous history held: history paging's job. A seq after `last` fills a gap, even below `low`.
  if (Number.isFinite(cs.low) && msg.seq < cs.low && msg.seq <= cs.last) return false;
  cs.messages.set(msg.seq, msg);
  if (msg.seq < cs.low) cs.low = msg.seq;
  if (msg.seq === cs.last + 1) advanceTo(cs, msg.seq);
  else if (msg.seq > cs.last + 1 && checkGap) void fillGap(s, cs);
  s.changedMessages(cs.id);
  if (viewing) markReadIfViewing(s);
  return true;
}

/** An edited or deleted message (hub MessageUpdated, Sync updates, edit/delete results): applied when not older. */
export function applyUpdate(s: Store, raw: unknown): void {
  if (!raw) return;
  const msg = normMessage(raw);
  const cs = s.convs.get(msg.conversationId);
  if (!cs || !Number.isFinite(msg.seq)) return;
  const held = cs.messages.get(msg.seq);
  const newer = (a: Message, b: Message | null | undefined): boolean =>
    !b || a.version === undefined || b.version === undefined || a.version >= b.version;
  if (held && newer(msg, held)) {
    cs.messages.set(msg.seq, { ...held, ...msg });
    s.changedMessages(cs.id);
  }
  const last = cs.conv.lastMessage;
  if (last && last.seq === msg.seq && newer(msg, last)) {
    cs.conv.lastMessage = { ...last, ...msg };
    s.changedConversations();
  }
}

/** The newest page; only from then on are a conversation's messages kept. */
export function loadInitial(s: Store, cs: ConvState): Promise<void> {
  if (cs.loaded) return Promise.resolve();
  if (cs.loading) return cs.loading;
  const gen = s.generation;
  cs.loadError = null;
  cs.loading = (async () => {
    try {
      const page = await s.api.messages(cs.conv.id, { limit: PAGE_SIZE });
      if (gen !== s.generation) return;
      cs.loaded = true;
      if (page.length) {
        cs.low = page[0].seq;
        cs.last = page[0].seq - 1;
        for (const m of page) ingest(s, m, false);
        advanceTo(cs, page[page.length - 1].seq);
      } else {
        cs.last = 0;
      }
      cs.hasOlder = page.length > 0 && page[0].seq > 1;
      s.changedMessages(cs.id);
      s.changedConversations();
      markReadIfViewing(s);
      void fillGap(s, cs);
    } catch (err) {
      cs.loadError = err instanceof Error ? err.message : 'Could not load messages.';
      s.changedMessages(cs.id);
      throw err;
    } finally {
      cs.loading = null;
    }
  })();
  return cs.loading;
}

/** One page further back than the lowest seq held. */
export async function loadOlder(s: Store, cs: ConvState): Promise<void> {
  if (!cs.loaded || cs.loadingOlder || !cs.hasOlder || !Number.isFinite(cs.low)) return;
  const gen = s.generation;
  const before = cs.low;
  cs.loadingOlder = true;
  s.changedMessages(cs.id);
  try {
    const page = await s.api.messages(cs.conv.id, { before, limit: PAGE_SIZE });
    if (gen !== s.generation) return;
    for (const raw of page) {
      const m = normMessage(raw);
      if (m.seq >= before || cs.messages.has(m.seq)) continue;
      cs.messages.set(m.seq, m);
      if (m.seq < cs.low) cs.low = m.seq;
    }
    cs.hasOlder = page.length > 0 && page[0].seq > 1 && page[0].seq < before;
  } finally {
    cs.loadingOlder = false;
    s.changedMessages(cs.id);
  }
}

/** Fetch everything after the contiguous marker until we reach the highest known seq (one run at a time). */
export function fillGap(s: Store, cs: ConvState): Promise<void> {
  if (!cs.loaded) return Promise.resolve();
  if (cs.gap) {
    cs.gapAgain = true;
    return cs.gap;
  }
  const gen = s.generation;
  const run = async (): Promise<void> => {
    try {
      do {
        cs.gapAgain = false;
        for (let guard = 0; guard < 200; guard++) {
          const target = Math.max(cs.conv.lastSeq, maxHeld(cs));
          if (cs.last >= target) break;
          const after = cs.last;
          const page = await s.api.messages(cs.conv.id, { after, limit: GAP_PAGE_SIZE });
          if (gen !== s.generation) return;
          for (const m of page) if (m.seq > after) ingest(s, m, false);
          const top = page.length ? page[page.length - 1].seq : after;
          if (top > after) advanceTo(cs, top);
          if (cs.last <= after) break;
        }
      } while (cs.gapAgain && gen === s.generation);
    } catch (err) {
      if (gen === s.generation && !(err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404))) {
        setTimeout(() => {
          if (gen === s.generation && s.convs.get(cs.id) === cs) void fillGap(s, cs);
        }, 3000);
      }
    }
  };
  const gap: Promise<void> = run().finally(() => {
    if (cs.gap === gap) cs.gap = null;
    s.changedMessages(cs.id);
    if (cs.gapAgain && gen === s.generation) void fillGap(s, cs);
  });
  cs.gap = gap;
  return gap;
}
