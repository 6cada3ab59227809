// The conversation list: views merged as they arrive, the list refreshed (dropping what we left), open/create/members.

import { normConversation, normId, type Id } from '../model';
import { createConvState, mergeConversation, type ConvState } from './convState';
import { title } from './directory';
import { loadPresence } from './presence';
import { applyServerReadState, markReadIfViewing } from './reading';
import type { Store } from './store';
import { fillGap, loadInitial } from './timeline';

export function sortedConversations(s: Store): ConvState[] {
  return [...s.convs.values()].sort((a, b) => b.activity - a.activity || b.conv.lastSeq - a.conv.lastSeq);
}

/** A conversation view from anywhere (list, push, Sync, REST answer). `fillGaps`: fetch messages it says we lack. */
export function upsertConversation(s: Store, raw: unknown, fillGaps = true): ConvState | undefined {
  if (!raw) return undefined;
  const conv = normConversation(raw);
  if (!conv.id) return undefined;
  let cs = s.convs.get(conv.id);
  if (!cs) {
    cs = createConvState(conv);
    s.convs.set(conv.id, cs);
    void loadPresence(s);
  } else {
    mergeConversation(cs, conv);
    if (conv.members.some((m) => !s.presenceAsked.has(m.userId))) void loadPresence(s);
  }
  applyServerReadState(s, cs, conv.unreadCount, conv.lastReadSeq);
  s.changedConversations();
  if (s.openId === cs.id) {
    s.changedMessages(cs.id);
    markReadIfViewing(s);
  }
  if (fillGaps && cs.loaded && cs.conv.lastSeq > cs.last) void fillGap(s, cs);
  return cs;
}

/** A ConversationRemoved push (`{conversationId}`) or an id: the conversation leaves the list. */
export function removeConversation(s: Store, raw: unknown): void {
  const id = normId(raw && typeof raw === 'object' ? (raw as Record<string, unknown>).conversationId : raw);
  const cs = s.convs.get(id);
  if (!cs) return;
  const name = title(s, cs);
  s.convs.delete(id);
  if (s.openId === id) s.openId = null;
  s.changedConversations();
  s.onRemoved(id, name);
}

/** GET the list; conversations missing from it (left / removed while away) are dropped. */
export async function refreshConversations(s: Store): Promise<void> {
  const gen = s.generation;
  const list = await s.api.conversations();
  if (gen !== s.generation) return;
  const seen = new Set<Id>();
  for (const c of list) {
    const cs = upsertConversation(s, c, false);
    if (cs) seen.add(cs.id);
  }
  for (const id of [...s.convs.keys()]) if (!seen.has(id)) removeConversation(s, id);
}

/** A message for a conversation we do not know (someone just started one with us): refresh the list soon, once. */
export function scheduleRefresh(s: Store): void {
  if (s.refreshTimer) return;
  s.refreshTimer = setTimeout(() => {
    s.refreshTimer = null;
    void refreshConversations(s).catch(() => undefined);
  }, 150);
}

export function open(s: Store, id: Id | null): void {
  s.openId = id;
  const cs = s.get(id);
  if (cs) {
    void loadInitial(s, cs).catch(() => undefined);
    markReadIfViewing(s);
  }
  s.changedConversations();
  if (id !== null) s.changedMessages(id);
}

export async function openDirect(s: Store, userId: Id): Promise<ConvState | undefined> {
  const gen = s.generation;
  const conv = await s.api.openDirect(userId);
  if (gen !== s.generation) return undefined;
  const cs = upsertConversation(s, conv);
  if (cs && !cs.conv.lastMessage) cs.activity = Math.max(cs.activity, Date.now());
  return cs;
}

export async function createGroup(s: Store, name: string, memberIds: Id[]): Promise<ConvState | undefined> {
  const gen = s.generation;
  const conv = await s.api.createGroup(name, memberIds);
  if (gen !== s.generation) return undefined;
  const cs = upsertConversation(s, conv);
  if (cs) cs.activity = Math.max(cs.activity, Date.now());
  return cs;
}

export async function rename(s: Store, cs: ConvState, name: string): Promise<void> {
  upsertConversation(s, await s.api.rename(cs.conv.id, name));
}

export async function addMember(s: Store, cs: ConvState, userId: Id): Promise<void> {
  upsertConversation(s, await s.api.addMember(cs.conv.id, userId));
}

/** The owner removes someone, or I leave (then the conversation goes). */
export async function removeMember(s: Store, cs: ConvState, userId: Id): Promise<void> {
  await s.api.removeMember(cs.conv.id, userId);
  if (s.isMe(userId)) {
    removeConversation(s, cs.id);
    return;
  }
  cs.conv = { ...cs.conv, members: cs.conv.members.filter((m) => m.userId !== userId) };
  s.changedConversations();
  s.changedMessages(cs.id);
}
