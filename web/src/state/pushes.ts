// Hub pushes and catch-up: a push is applied at once, or held while a catch-up (list, Sync, gap repair) runs.

import { ApiError } from '../errors';
import { normMessage } from '../model';
import { refreshConversations, removeConversation, scheduleRefresh, upsertConversation } from './conversations';
import { flushOutbox } from './outbox';
import { loadPresence } from './presence';
import { applyReadMarker, markReadIfViewing } from './reading';
import type { Push, Store } from './store';
import { sync } from './sync';
import { applyUpdate, fillGap, ingest } from './timeline';

export function push(s: Store, p: Push): void {
  if (!s.me) return;
  if (s.catchingUp) {
    s.buffered.push(p);
    return;
  }
  applyPush(s, p);
}

function applyPush(s: Store, p: Push): void {
  switch (p.kind) {
    case 'message': {
      const msg = normMessage(p.payload);
      const cs = s.convs.get(msg.conversationId);
      if (!cs) {
        if (msg.conversationId) scheduleRefresh(s);
        return;
      }
      if (ingest(s, msg, true) && !s.isMe(msg.senderId) && msg.kind !== 'system') s.onIncoming(cs, msg);
      break;
    }
    case 'update':
      applyUpdate(s, p.payload);
      break;
    case 'conversation':
      upsertConversation(s, p.payload, true);
      break;
    case 'removed':
      removeConversation(s, p.payload);
      break;
    case 'read':
      applyReadMarker(s, p.payload);
      break;
  }
}

/** On every (re)connect: the list, then Sync, then gap repair; held pushes and queued sends go afterwards. */
export async function catchUp(s: Store): Promise<void> {
  if (!s.me) return;
  const gen = s.generation;
  s.catchingUp = true;
  try {
    try {
      await refreshConversations(s);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
    }
    if (gen !== s.generation) return;
    try {
      await sync(s, gen);
    } catch {
      // Sync failed: the GET fallback below covers new messages.
    }
    if (gen !== s.generation) return;
    await Promise.all([...s.convs.values()].filter((cs) => cs.loaded).map((cs) => fillGap(s, cs)));
  } finally {
    if (gen === s.generation) {
      s.catchingUp = false;
      const queued = s.buffered;
      s.buffered = [];
      for (const p of queued) applyPush(s, p);
      markReadIfViewing(s);
      void loadPresence(s, true);
      // Messages written while catching up were held back; send them now.
      void flushOutbox(s);
    }
  }
}
