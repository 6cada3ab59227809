// One conversation's client-side state (plain data) and the pure rules that build and merge it.

import type { Conversation, Id, Message } from '../model';

export type PendingState = 'queued' | 'sending' | 'sent' | 'failed';

export interface PendingMessage {
  clientMessageId: string;
  text: string;
  mediaIds: Id[];
  createdAt: string;
  state: PendingState;
  seq?: number;
  error?: string;
}

export interface ConvState {
  id: Id;
  conv: Conversation;
  /** Messages held, keyed by seq. */
  messages: Map<number, Message>;
  /** Initial page fetched; only then are messages kept. */
  loaded: boolean;
  loadError: string | null;
  /** Highest contiguous seq held (meaningful once loaded). */
  last: number;
  /** Lowest seq held (Infinity when none). */
  low: number;
  hasOlder: boolean;
  loadingOlder: boolean;
  /** Highest message version seen (Sync's afterVersion). */
  version: number;
  /** Optimistic, not yet confirmed messages keyed by clientMessageId. */
  pending: Map<string, PendingMessage>;
  unread: number;
  /** My read position as known locally (moves forward only). */
  localReadSeq: number;
  /** Highest seq sent with MarkRead. */
  sentReadSeq: number;
  activity: number;
  /** Other members' read positions. */
  readBy: Map<Id, number>;
  typing: Map<Id, number>;
  lastTypingSent: number;
  loading: Promise<void> | null;
  gap: Promise<void> | null;
  gapAgain: boolean;
}

export function num(value: unknown, fallback = 0): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : fallback;
}

export function timeOf(iso: string | null | undefined): number {
  if (!iso) return 0;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

export function createConvState(conv: Conversation): ConvState {
  return {
    id: conv.id,
    conv,
    messages: new Map(),
    loaded: false,
    loadError: null,
    last: 0,
    low: Infinity,
    hasOlder: false,
    loadingOlder: false,
    version: num(conv.version, 0),
    pending: new Map(),
    unread: Math.max(0, num(conv.unreadCount, 0)),
    localReadSeq: num(conv.lastReadSeq, 0),
    sentReadSeq: num(conv.lastReadSeq, 0),
    activity: timeOf(conv.lastMessage?.createdAt) || timeOf(conv.createdAt) || Date.now(),
    readBy: new Map(),
    typing: new Map(),
    lastTypingSent: 0,
    loading: null,
    gap: null,
    gapAgain: false,
  };
}

/** A newer view of a known conversation: members, last message and seq only move forward. */
export function mergeConversation(cs: ConvState, conv: Conversation): void {
  const prev = cs.conv;
  const incomingLast = conv.lastMessage ?? null;
  const merged: Conversation = { ...prev, ...conv };
  merged.members = Array.isArray(conv.members) && conv.members.length ? conv.members : prev.members;
  merged.lastSeq = Math.max(prev.lastSeq, conv.lastSeq);
  const prevLast = prev.lastMessage;
  merged.lastMessage = !incomingLast || (prevLast && prevLast.seq > incomingLast.seq) ? prevLast : incomingLast;
  cs.conv = merged;
  const act = timeOf(merged.lastMessage?.createdAt);
  if (act > cs.activity) cs.activity = act;
}

/** Messages held, ascending by seq. */
export function ordered(cs: ConvState): Message[] {
  return [...cs.messages.values()].sort((a, b) => a.seq - b.seq);
}
