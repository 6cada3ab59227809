// The client's state as one plain object: what is known (conversations, users, presence, limits) and who listens.
// Behaviour lives in the modules beside this one, as functions over a Store.

import type { api as realApi } from '../api';
import { DEFAULT_LIMITS, type Limits } from '../limits';
import { normId, type Id, type Message, type User } from '../model';
import type { ConvState } from './convState';

export interface Presence {
  status: string;
  lastSeen?: string | null;
}

/** The hub as the state sees it (tests give a fake one). */
export interface Transport {
  connected(): boolean;
  invoke<T>(method: string, ...args: unknown[]): Promise<T>;
}

export type StoreApi = Pick<
  typeof realApi,
  'user' | 'conversations' | 'messages' | 'openDirect' | 'createGroup' | 'rename' | 'addMember' | 'removeMember' | 'presence'
>;

export type Push =
  | { kind: 'message'; payload: unknown }
  | { kind: 'update'; payload: unknown }
  | { kind: 'conversation'; payload: unknown }
  | { kind: 'removed'; payload: unknown }
  | { kind: 'read'; payload: Record<string, unknown> };

export class Store {
  me: User | null = null;
  readonly convs = new Map<Id, ConvState>();
  readonly users = new Map<Id, User>();
  readonly presence = new Map<Id, Presence>();
  openId: Id | null = null;
  /** The open conversation is on screen and the window has focus (MarkRead allowed). */
  viewing = false;
  transport: Transport | null = null;
  limits: Limits = { ...DEFAULT_LIMITS };
  /** Bumped on every sign-in / sign-out: answers to an older generation's requests are dropped. */
  generation = 0;
  /** A catch-up is running: pushes wait in `buffered`, sends wait in the outbox. */
  catchingUp = false;
  buffered: Push[] = [];
  readonly userRequests = new Map<Id, Promise<void>>();
  readonly presenceAsked = new Set<Id>();
  refreshTimer: ReturnType<typeof setTimeout> | null = null;
  /** A new message from someone else arrived live (for notifications / the live region). */
  onIncoming: (cs: ConvState, msg: Message) => void = () => undefined;
  /** A conversation disappeared (left, removed). */
  onRemoved: (id: Id, title: string) => void = () => undefined;

  private listeners = { conversations: new Set<() => void>(), messages: new Set<(id: Id) => void>() };
  private convsQueued = false;
  private msgsQueued = new Set<Id>();

  constructor(readonly api: StoreApi) {}

  /** The conversation list, titles, presence, typing or limits changed (coalesced per microtask). */
  onConversations(fn: () => void): () => void {
    this.listeners.conversations.add(fn);
    return () => this.listeners.conversations.delete(fn);
  }
  /** A conversation's messages changed (coalesced per microtask and conversation). */
  onMessages(fn: (id: Id) => void): () => void {
    this.listeners.messages.add(fn);
    return () => this.listeners.messages.delete(fn);
  }
  changedConversations(): void {
    if (this.convsQueued) return;
    this.convsQueued = true;
    queueMicrotask(() => {
      this.convsQueued = false;
      this.listeners.conversations.forEach((fn) => fn());
    });
  }
  changedMessages(id: Id): void {
    if (this.msgsQueued.has(id)) return;
    this.msgsQueued.add(id);
    queueMicrotask(() => {
      this.msgsQueued.delete(id);
      this.listeners.messages.forEach((fn) => fn(id));
    });
  }
  /** Names and presence show in the open conversation too. */
  changedPeople(): void {
    this.changedConversations();
    if (this.openId !== null) this.changedMessages(this.openId);
  }

  get(id: Id | null): ConvState | undefined {
    return id === null ? undefined : this.convs.get(id);
  }

  isMe(id: unknown): boolean {
    return this.me !== null && normId(id) === this.me.id;
  }
}

/** Forget everything (sign-out, or before a sign-in). */
export function reset(s: Store): void {
  s.generation++;
  s.me = null;
  s.convs.clear();
  s.presence.clear();
  s.presenceAsked.clear();
  s.users.clear();
  s.userRequests.clear();
  s.openId = null;
  s.catchingUp = false;
  s.buffered = [];
  s.limits = { ...DEFAULT_LIMITS };
  if (s.refreshTimer) clearTimeout(s.refreshTimer);
  s.refreshTimer = null;
  s.changedConversations();
}

export function start(s: Store, me: User): void {
  reset(s);
  s.me = { ...me, id: normId(me.id) };
  s.users.set(s.me.id, s.me);
}

export function totalUnread(s: Store): number {
  let n = 0;
  for (const cs of s.convs.values()) n += cs.unread;
  return n;
}

export function setLimits(s: Store, limits: Limits): void {
  s.limits = limits;
  s.changedConversations();
}
