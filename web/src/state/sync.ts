// Hub Sync: pages of new messages and edits after each conversation's seq and version cursors, until nothing is left.

import { normMessage, type Id } from '../model';
import { num, type ConvState } from './convState';
import { scheduleRefresh, upsertConversation } from './conversations';
import type { Store } from './store';
import { advanceTo, applyUpdate, ingest } from './timeline';

interface SyncResult {
  conversations?: unknown[];
  messages?: unknown[];
  updates?: unknown[];
  hasMore?: boolean;
}

export interface Cursor {
  conversationId: Id;
  afterSeq: number;
  afterVersion: number;
}

export function cursors(s: Store): Cursor[] {
  return [...s.convs.values()].map((cs) => ({
    conversationId: cs.conv.id,
    afterSeq: cs.loaded ? cs.last : cs.conv.lastSeq,
    afterVersion: cs.version,
  }));
}

/** False when there is no connection (or no answer); the caller falls back to GETs. */
export async function sync(s: Store, gen = s.generation): Promise<boolean> {
  if (!s.transport || !s.transport.connected()) return false;
  let prevCursorKey = '';
  for (let round = 0; round < 100; round++) {
    const current = cursors(s);
    const cursorKey = JSON.stringify(current);
    if (cursorKey === prevCursorKey) break; // hasMore but no progress
    prevCursorKey = cursorKey;
    const res = await s.transport.invoke<SyncResult | null>('Sync', current);
    if (gen !== s.generation) return true;
    if (!res || typeof res !== 'object') return false;
    const views: { cs: ConvState; version: number }[] = [];
    for (const c of res.conversations ?? []) {
      const cs = upsertConversation(s, c, false);
      if (cs) views.push({ cs, version: num((c as { version?: unknown }).version, 0) });
    }
    const msgs = (res.messages ?? []).map(normMessage).sort((a, b) => a.seq - b.seq);
    for (const m of msgs) {
      const cs = s.convs.get(m.conversationId);
      if (!cs) scheduleRefresh(s);
      // Not loaded: only the preview matters; the seq cursor moves with conv.lastSeq.
      ingest(s, m, false);
      if (cs && cs.loaded) advanceTo(cs, cs.last); // extend through held seqs
    }
    // Messages returned for a loaded conversation are every one after its cursor: advance.
    const tops = new Map<Id, number>();
    for (const m of msgs) tops.set(m.conversationId, Math.max(tops.get(m.conversationId) ?? 0, m.seq));
    for (const [id, top] of tops) {
      const cs = s.convs.get(id);
      if (cs && cs.loaded) advanceTo(cs, top);
    }
    const lastUpdate = new Map<Id, number>();
    for (const u of res.updates ?? []) {
      applyUpdate(s, u);
      const m = normMessage(u);
      if (m.version !== undefined) lastUpdate.set(m.conversationId, Math.max(lastUpdate.get(m.conversationId) ?? 0, m.version));
    }
    // The version cursor moves only with what a Sync returned, never with a live push (which says nothing of an
    // earlier edit whose push was lost). The server sends a conversation's updates in version order before its new
    // messages: a complete reply, or new messages of that conversation, mean its updates up to the conversation's
    // version are all here (the messages after the seq cursor come in their current state); a reply cut among its
    // updates covers them only up to the last one returned.
    for (const { cs, version } of views) {
      const through = !res.hasMore || tops.has(cs.id) ? version : (lastUpdate.get(cs.id) ?? cs.version);
      if (through > cs.version) cs.version = through;
    }
    if (!res.hasMore) break;
  }
  return true;
}
