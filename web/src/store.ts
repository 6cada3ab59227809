// Client-side state. The store is the source of truth; hub pushes are hints
// that get validated against the per-conversation contiguous sequence.

import {
  api,
  ApiError,
  normConversation,
  normId,
  normMessage,
  sameId,
  wireId,
  type Conversation,
  type Id,
  type Message,
  type User,
} from './api';

export const MAX_MESSAGE_LENGTH = 100_000;
const PAGE_SIZE = 50;
const GAP_PAGE_SIZE = 100;

export type PendingState = 'queued' | 'sending' | 'sent' | 'failed';

export interface PendingMessage {
  clientMessageId: string;
  text: string;
  createdAt: string;
  state: PendingState;
  seq?: number;
  error?: string;
}

export interface ConvState {
  key: string;
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
  /** Optimistic, not yet confirmed messages keyed by clientMessageId. */
  pending: Map<string, PendingMessage>;
  /** seq -> clientMessageId for pending bubbles that got confirmed. */
  confirmed: Map<number, string>;
  unread: number;
  localReadSeq: number;
  activity: number;
  readBy: Map<Id, number>;
  typing: Map<Id, number>;
  loading: Promise<void> | null;
  gap: Promise<void> | null;
  gapAgain: boolean;
}

export interface Presence {
  status: string;
  lastSeen?: string | null;
}

export interface Transport {
  connected(): boolean;
  invoke<T>(method: string, ...args: unknown[]): Promise<T>;
}

interface SyncResult {
  conversations?: Conversation[];
  messages?: Message[];
  hasMore?: boolean;
}

type Push =
  | { kind: 'message'; payload: Message }
  | { kind: 'conversation'; payload: Conversation }
  | { kind: 'read'; payload: Record<string, unknown> };

/** Normalised map key for any id (number 1 and string "1" are the same key). */
export const keyOf = (id: unknown): string => normId(id);

function uuid(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  c?.getRandomValues ? c.getRandomValues(b) : b.forEach((_, i) => (b[i] = Math.floor(Math.random() * 256)));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function num(value: unknown, fallback = 0): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : fallback;
}

function timeOf(iso: string | null | undefined): number {
  if (!iso) return 0;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

export class Store {
  me: User | null = null;
  readonly convs = new Map<string, ConvState>();
  readonly users = new Map<Id, User>();
  readonly presence = new Map<Id, Presence>();
  openKey: string | null = null;
  transport: Transport | null = null;

  private generation = 0;
  private catchingUp = false;
  private buffered: Push[] = [];
  private userRequests = new Map<Id, Promise<void>>();
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private listeners = { conversations: new Set<() => void>(), messages: new Set<(key: string) => void>() };
  private notifyConvsQueued = false;
  private notifyMsgsQueued = new Set<string>();

  // ---- subscriptions (coalesced per microtask) ----

  onConversations(fn: () => void): void {
    this.listeners.conversations.add(fn);
  }
  onMessages(fn: (key: string) => void): void {
    this.listeners.messages.add(fn);
  }
  changedConversations(): void {
    if (this.notifyConvsQueued) return;
    this.notifyConvsQueued = true;
    queueMicrotask(() => {
      this.notifyConvsQueued = false;
      this.listeners.conversations.forEach((fn) => fn());
    });
  }
  changedMessages(key: string): void {
    if (this.notifyMsgsQueued.has(key)) return;
    this.notifyMsgsQueued.add(key);
    queueMicrotask(() => {
      this.notifyMsgsQueued.delete(key);
      this.listeners.messages.forEach((fn) => fn(key));
    });
  }

  // ---- lifecycle ----

  start(me: User): void {
    this.reset();
    this.me = { ...me, id: keyOf(me.id) };
    this.users.set(this.me.id, this.me);
  }

  /** Is this id the signed-in user? */
  isMe(id: unknown): boolean {
    return this.me !== null && sameId(id, this.me.id);
  }

  reset(): void {
    this.generation++;
    this.me = null;
    this.convs.clear();
    this.presence.clear();
    this.users.clear();
    this.userRequests.clear();
    this.openKey = null;
    this.catchingUp = false;
    this.buffered = [];
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    this.changedConversations();
  }

  get(key: string | null): ConvState | undefined {
    return key === null ? undefined : this.convs.get(key);
  }

  // ---- users ----

  rememberUser(user: Partial<User> & { id: unknown }): void {
    const id = keyOf(user.id);
    if (!id) return;
    const prev = this.users.get(id);
    const merged: User = {
      id,
      username: user.username || prev?.username || '',
      displayName: user.displayName || prev?.displayName || null,
    };
    if (!prev || prev.username !== merged.username || prev.displayName !== merged.displayName) {
      this.users.set(id, merged);
      if (this.me && this.me.id === id) this.me = { ...this.me, ...merged };
      this.changedConversations();
      if (this.openKey) this.changedMessages(this.openKey);
    }
  }

  /** Display name of a user; starts a lookup (and re-renders when it completes) if unknown. */
  userName(id: unknown): string {
    const key = keyOf(id);
    const u = this.users.get(key);
    if (u && (u.displayName || u.username)) return (u.displayName || u.username) as string;
    void this.ensureUser(key);
    return 'Unknown user';
  }

  /** Sender label of a message bubble: "You" for the signed-in user. */
  senderName(id: unknown): string {
    return this.isMe(id) ? 'You' : this.userName(id);
  }

  private ensureUser(id: Id): Promise<void> {
    if (!id) return Promise.resolve();
    const known = this.users.get(id);
    if (known && (known.username || known.displayName)) return Promise.resolve();
    let p = this.userRequests.get(id);
    if (!p) {
      const gen = this.generation;
      p = api
        .user(id)
        .then((u) => {
          // Stored under the id we asked for, whatever form the response's id takes.
          if (gen === this.generation && u) this.rememberUser({ ...u, id });
        })
        .catch((err: unknown) => {
          if (gen !== this.generation || (err instanceof ApiError && err.status === 404)) return;
          setTimeout(() => {
            if (gen !== this.generation || this.userRequests.get(id) !== p) return;
            this.userRequests.delete(id); // allow a retry; re-render so it happens
            this.changedConversations();
            if (this.openKey) this.changedMessages(this.openKey);
          }, 10_000);
        });
      this.userRequests.set(id, p);
    }
    return p;
  }

  /** Other party of a direct conversation. */
  otherMember(cs: ConvState): Id | null {
    const other = (cs.conv.members || []).find((m) => !this.isMe(m.userId));
    return other ? keyOf(other.userId) : null;
  }

  title(cs: ConvState): string {
    if (cs.conv.kind === 'direct') {
      const other = this.otherMember(cs);
      if (other !== null) return this.userName(other);
      if (cs.conv.title) return cs.conv.title;
      return this.me ? this.me.displayName || this.me.username : 'Direct chat';
    }
    if (cs.conv.title) return cs.conv.title;
    const names = (cs.conv.members || [])
      .filter((m) => !this.isMe(m.userId))
      .map((m) => this.userName(m.userId));
    return names.length ? names.join(', ') : 'Group';
  }

  // ---- conversations ----

  sortedConversations(): ConvState[] {
    return [...this.convs.values()].sort((a, b) => b.activity - a.activity || b.conv.lastSeq - a.conv.lastSeq);
  }

  upsertConversation(raw: Conversation, fillGaps = true): ConvState | undefined {
    if (!raw || raw.id === undefined || raw.id === null) return undefined;
    const conv = normConversation(raw); // idempotent: ids become strings
    const key = conv.id;
    if (!key) return undefined;
    let cs = this.convs.get(key);
    const incomingLastSeq = num(conv.lastSeq, 0);
    const incomingLast = conv.lastMessage && typeof conv.lastMessage === 'object' ? conv.lastMessage : null;
    if (!cs) {
      cs = {
        key,
        conv: { ...conv, members: Array.isArray(conv.members) ? conv.members : [], lastSeq: incomingLastSeq },
        messages: new Map(),
        loaded: false,
        loadError: null,
        last: 0,
        low: Infinity,
        hasOlder: false,
        loadingOlder: false,
        pending: new Map(),
        confirmed: new Map(),
        unread: Math.max(0, num(conv.unreadCount, 0)),
        localReadSeq: num(conv.lastReadSeq, 0),
        activity: timeOf(incomingLast?.createdAt) || timeOf(conv.createdAt as string) || Date.now(),
        readBy: new Map(),
        typing: new Map(),
        loading: null,
        gap: null,
        gapAgain: false,
      };
      this.convs.set(key, cs);
    } else {
      const prev = cs.conv;
      const merged: Conversation = { ...prev, ...conv };
      merged.members = Array.isArray(conv.members) && conv.members.length ? conv.members : prev.members;
      merged.lastSeq = Math.max(prev.lastSeq, incomingLastSeq);
      const prevLast = prev.lastMessage;
      merged.lastMessage = !incomingLast || (prevLast && prevLast.seq > incomingLast.seq) ? prevLast : incomingLast;
      cs.conv = merged;
      const act = timeOf(merged.lastMessage?.createdAt);
      if (act > cs.activity) cs.activity = act;
      if (conv.unreadCount !== undefined && conv.unreadCount !== null) {
        const serverUnread = Math.max(0, num(conv.unreadCount, 0));
        const serverRead = num(conv.lastReadSeq, -1);
        cs.unread =
          cs.localReadSeq > serverRead ? Math.max(0, Math.min(serverUnread, merged.lastSeq - cs.localReadSeq)) : serverUnread;
      }
    }
    for (const m of cs.conv.members) {
      if (!m || !m.userId) continue;
      if (m.username || m.displayName) {
        this.rememberUser({ id: m.userId, username: m.username || '', displayName: m.displayName || null });
      }
      const read = num(m.lastReadSeq, NaN);
      if (Number.isFinite(read) && !this.isMe(m.userId)) {
        cs.readBy.set(m.userId, Math.max(cs.readBy.get(m.userId) ?? 0, read));
      }
    }
    if (this.openKey === key) this.markOpenRead(cs);
    this.changedConversations();
    if (fillGaps && cs.loaded && cs.conv.lastSeq > cs.last) void this.fillGap(cs);
    return cs;
  }

  private markOpenRead(cs: ConvState): void {
    cs.unread = 0;
    cs.localReadSeq = Math.max(cs.localReadSeq, cs.conv.lastSeq);
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refreshConversations();
    }, 150);
  }

  async refreshConversations(): Promise<void> {
    const gen = this.generation;
    const list = await api.conversations();
    if (gen !== this.generation) return;
    for (const c of list) this.upsertConversation(c);
  }

  async openDirect(userId: Id): Promise<ConvState | undefined> {
    const gen = this.generation;
    const conv = await api.openDirect(userId);
    if (gen !== this.generation) return undefined;
    const cs = this.upsertConversation(conv);
    if (cs && !cs.conv.lastMessage) cs.activity = Math.max(cs.activity, Date.now());
    return cs;
  }

  open(key: string | null): void {
    this.openKey = key;
    const cs = this.get(key);
    if (cs) {
      this.markOpenRead(cs);
      void this.loadInitial(cs).catch(() => undefined);
    }
    this.changedConversations();
    if (key) this.changedMessages(key);
  }

  // ---- messages ----

  loadInitial(cs: ConvState): Promise<void> {
    if (cs.loaded) return Promise.resolve();
    if (cs.loading) return cs.loading;
    const gen = this.generation;
    cs.loadError = null;
    cs.loading = (async () => {
      try {
        const page = await api.messages(cs.conv.id, { limit: PAGE_SIZE });
        if (gen !== this.generation) return;
        cs.loaded = true;
        if (page.length) {
          cs.low = page[0].seq;
          cs.last = page[0].seq - 1;
          for (const m of page) this.ingest(m, false);
          this.advanceTo(cs, page[page.length - 1].seq);
        } else {
          cs.last = 0;
        }
        cs.hasOlder = page.length > 0 && page[0].seq > 1;
        this.changedMessages(cs.key);
        this.changedConversations();
        void this.fillGap(cs);
      } catch (err) {
        cs.loadError = err instanceof Error ? err.message : 'Could not load messages.';
        this.changedMessages(cs.key);
        throw err;
      } finally {
        cs.loading = null;
      }
    })();
    return cs.loading;
  }

  async loadOlder(cs: ConvState): Promise<void> {
    if (!cs.loaded || cs.loadingOlder || !cs.hasOlder || !Number.isFinite(cs.low)) return;
    const gen = this.generation;
    const before = cs.low;
    cs.loadingOlder = true;
    this.changedMessages(cs.key);
    try {
      const page = await api.messages(cs.conv.id, { before, limit: PAGE_SIZE });
      if (gen !== this.generation) return;
      for (const m of page) {
        if (m.seq >= before || cs.messages.has(m.seq)) continue;
        cs.messages.set(m.seq, m);
        if (m.seq < cs.low) cs.low = m.seq;
      }
      cs.hasOlder = page.length > 0 && page[0].seq > 1 && page[0].seq < before;
    } finally {
      cs.loadingOlder = false;
      this.changedMessages(cs.key);
    }
  }

  /** Move the contiguous marker: `upTo` is known complete (server-authoritative), then extend through held seqs. */
  private advanceTo(cs: ConvState, upTo: number): void {
    if (upTo > cs.last) cs.last = upTo;
    while (cs.messages.has(cs.last + 1)) cs.last++;
  }

  private maxHeld(cs: ConvState): number {
    let max = cs.last;
    for (const seq of cs.messages.keys()) if (seq > max) max = seq;
    return max;
  }

  /** Fetch everything after the contiguous marker until we reach the highest known seq. */
  fillGap(cs: ConvState): Promise<void> {
    if (!cs.loaded) return Promise.resolve();
    if (cs.gap) {
      cs.gapAgain = true;
      return cs.gap;
    }
    const gen = this.generation;
    const run = async (): Promise<void> => {
      try {
        do {
          cs.gapAgain = false;
          for (let guard = 0; guard < 200; guard++) {
            const target = Math.max(cs.conv.lastSeq, this.maxHeld(cs));
            if (cs.last >= target) break;
            const after = cs.last;
            const page = await api.messages(cs.conv.id, { after, limit: GAP_PAGE_SIZE });
            if (gen !== this.generation) return;
            for (const m of page) if (m.seq > after) this.ingest(m, false);
            const top = page.length ? page[page.length - 1].seq : after;
            // The server returned every message in (after, top]: seqs missing from that range don't exist.
            if (top > after) this.advanceTo(cs, top);
            if (cs.last <= after) break; // no progress; stop rather than spin
          }
        } while (cs.gapAgain && gen === this.generation);
      } catch (err) {
        if (gen === this.generation && !(err instanceof ApiError && err.status === 401)) {
          setTimeout(() => {
            if (gen === this.generation) void this.fillGap(cs);
          }, 3000);
        }
      }
    };
    // Note: cleared in .finally (always async) so a run that finishes synchronously cannot leave a stale promise.
    const gap: Promise<void> = run().finally(() => {
      if (cs.gap === gap) cs.gap = null;
      this.changedMessages(cs.key);
      if (cs.gapAgain && gen === this.generation) void this.fillGap(cs);
    });
    cs.gap = gap;
    return gap;
  }

  /**
   * Add a message from any source. Duplicates (same seq) are ignored.
   * `checkGap`: a seq beyond last+1 triggers a fetch of the missing range.
   */
  ingest(raw: Message, checkGap = true): void {
    if (!raw || raw.conversationId === undefined || raw.conversationId === null) return;
    const msg = normMessage(raw); // idempotent: ids become strings
    if (!msg.conversationId || !Number.isFinite(msg.seq)) return;
    const cs = this.convs.get(msg.conversationId);
    if (!cs) {
      // Unknown conversation (e.g. someone just started a chat with us): learn about it.
      this.scheduleRefresh();
      return;
    }
    const isOpen = this.openKey === cs.key;
    const mine = this.isMe(msg.senderId);

    // Conversation metadata (list preview, unread badge).
    if (msg.seq > cs.conv.lastSeq) {
      cs.conv.lastSeq = msg.seq;
      cs.conv.lastMessage = msg;
      cs.activity = Math.max(cs.activity, timeOf(msg.createdAt) || Date.now());
      if (!mine && !isOpen) cs.unread++;
      this.changedConversations();
    } else if (!cs.conv.lastMessage || cs.conv.lastMessage.seq <= msg.seq) {
      cs.conv.lastMessage = msg;
      this.changedConversations();
    }
    if (isOpen || mine) cs.localReadSeq = Math.max(cs.localReadSeq, msg.seq);
    if (isOpen) cs.unread = 0;

    if (!cs.loaded) return; // history gets fetched when the conversation is opened

    // Resolve the optimistic bubble, if any.
    for (const p of cs.pending.values()) {
      if ((msg.clientMessageId && p.clientMessageId === msg.clientMessageId) || p.seq === msg.seq) {
        cs.pending.delete(p.clientMessageId);
        if (!cs.messages.has(msg.seq)) cs.confirmed.set(msg.seq, p.clientMessageId);
        this.changedMessages(cs.key);
        break;
      }
    }

    if (cs.messages.has(msg.seq)) return; // duplicate: never shown twice
    if (msg.seq <= cs.last && Number.isFinite(cs.low) && msg.seq < cs.low) {
      // Older than anything we hold: only accept as part of history paging.
      return;
    }
    cs.messages.set(msg.seq, msg);
    if (msg.seq < cs.low) cs.low = msg.seq;
    if (msg.seq === cs.last + 1) this.advanceTo(cs, msg.seq);
    else if (msg.seq > cs.last + 1 && checkGap) void this.fillGap(cs);
    this.changedMessages(cs.key);
  }

  // ---- pushes (buffered while catching up) ----

  push(p: Push): void {
    if (!this.me) return;
    if (this.catchingUp) {
      this.buffered.push(p);
      return;
    }
    this.applyPush(p);
  }

  private applyPush(p: Push): void {
    switch (p.kind) {
      case 'message':
        this.ingest(p.payload, true);
        break;
      case 'conversation':
        this.upsertConversation(p.payload, true);
        break;
      case 'read':
        this.applyReadMarker(p.payload);
        break;
    }
  }

  private applyReadMarker(data: Record<string, unknown>): void {
    const cs = this.convs.get(keyOf(data.conversationId));
    if (!cs) return;
    const seq = num(data.seq ?? data.lastReadSeq ?? data.readSeq, NaN);
    if (!Number.isFinite(seq)) return;
    const userId = keyOf(data.userId);
    if (!userId || this.isMe(userId)) {
      cs.localReadSeq = Math.max(cs.localReadSeq, seq);
      cs.unread = seq >= cs.conv.lastSeq ? 0 : Math.min(cs.unread, cs.conv.lastSeq - seq);
      this.changedConversations();
    } else {
      cs.readBy.set(userId, Math.max(cs.readBy.get(userId) ?? 0, seq));
      this.changedMessages(cs.key);
    }
  }

  setPresence(data: Record<string, unknown>): void {
    const userId = keyOf(data.userId);
    if (!userId) return;
    this.presence.set(userId, {
      status: String(data.status ?? 'offline').toLowerCase(),
      lastSeen: (data.lastSeen as string | null | undefined) ?? null,
    });
    this.changedConversations();
  }

  setTyping(data: Record<string, unknown>): void {
    const cs = this.convs.get(keyOf(data.conversationId));
    const userId = keyOf(data.userId);
    if (!cs || !userId || this.isMe(userId)) return;
    const typing = data.isTyping ?? data.typing ?? true;
    if (typing) cs.typing.set(userId, Date.now() + 6000);
    else cs.typing.delete(userId);
    this.changedConversations();
    setTimeout(() => this.changedConversations(), 6100);
  }

  typingNames(cs: ConvState): string[] {
    const now = Date.now();
    const names: string[] = [];
    for (const [id, until] of cs.typing) {
      if (until > now) names.push(this.userName(id));
      else cs.typing.delete(id);
    }
    return names;
  }

  // ---- catch-up on every (re)connect ----

  async catchUp(): Promise<void> {
    if (!this.me) return;
    const gen = this.generation;
    this.catchingUp = true;
    try {
      try {
        const list = await api.conversations();
        if (gen !== this.generation) return;
        for (const c of list) this.upsertConversation(c, false);
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return;
      }

      try {
        await this.sync(gen);
      } catch {
        // Sync not available (or failed): the fallback below covers it.
      }
      if (gen !== this.generation) return;
      // Fallback (and completion after Sync): GET messages?after=last for every loaded conversation.
      await Promise.all([...this.convs.values()].filter((cs) => cs.loaded).map((cs) => this.fillGap(cs)));
    } finally {
      if (gen === this.generation) {
        this.catchingUp = false;
        const queued = this.buffered;
        this.buffered = [];
        for (const p of queued) this.applyPush(p);
      }
    }
  }

  private async sync(gen: number): Promise<boolean> {
    if (!this.transport || !this.transport.connected()) return false;
    let prevCursorKey = '';
    for (let round = 0; round < 50; round++) {
      const cursors = [...this.convs.values()].map((cs) => ({
        conversationId: wireId(cs.conv.id),
        afterSeq: cs.loaded ? cs.last : cs.conv.lastSeq,
      }));
      const cursorKey = JSON.stringify(cursors);
      if (cursorKey === prevCursorKey) break; // hasMore but no progress
      prevCursorKey = cursorKey;
      const res = await this.transport.invoke<SyncResult | null>('Sync', cursors);
      if (gen !== this.generation) return true;
      if (!res || typeof res !== 'object') return false;
      for (const c of res.conversations ?? []) this.upsertConversation(c, false);
      const msgs = [...(res.messages ?? [])].sort((a, b) => num(a.seq) - num(b.seq));
      for (const m of msgs) this.ingest(m, false);
      if (!res.hasMore) break;
    }
    return true;
  }

  // ---- sending ----

  send(cs: ConvState, text: string): string | null {
    if (!text.trim()) return 'Message is empty.';
    if (text.length > MAX_MESSAGE_LENGTH) return `Message is too long (max ${MAX_MESSAGE_LENGTH} characters).`;
    const pending: PendingMessage = {
      clientMessageId: uuid(),
      text,
      createdAt: new Date().toISOString(),
      state: 'queued',
    };
    cs.pending.set(pending.clientMessageId, pending);
    cs.activity = Date.now();
    this.changedMessages(cs.key);
    this.changedConversations();
    void this.dispatch(cs, pending);
    return null;
  }

  retry(cs: ConvState, clientMessageId: string): void {
    const p = cs.pending.get(clientMessageId);
    if (p && p.state === 'failed') void this.dispatch(cs, p);
  }

  discard(cs: ConvState, clientMessageId: string): void {
    if (cs.pending.delete(clientMessageId)) this.changedMessages(cs.key);
  }

  private async dispatch(cs: ConvState, p: PendingMessage): Promise<void> {
    const t = this.transport;
    if (!t || !t.connected() || this.catchingUp) {
      p.state = 'queued';
      this.changedMessages(cs.key);
      return; // flushed once (re)connected and caught up
    }
    const gen = this.generation;
    p.state = 'sending';
    p.error = undefined;
    this.changedMessages(cs.key);
    try {
      const res = await t.invoke<{ seq: number; createdAt?: string } | null>(
        'SendMessage',
        wireId(cs.conv.id),
        p.clientMessageId,
        p.text,
        [],
      );
      if (gen !== this.generation) return;
      const seq = num(res?.seq, NaN);
      if (!Number.isFinite(seq)) throw new Error('Unexpected response from server.');
      p.seq = seq;
      p.state = 'sent';
      this.ingest(
        {
          conversationId: cs.conv.id,
          seq,
          senderId: this.me!.id,
          clientMessageId: p.clientMessageId,
          text: p.text,
          media: null,
          createdAt: res?.createdAt || p.createdAt,
        },
        true,
      );
      this.changedMessages(cs.key);
    } catch (err) {
      if (gen !== this.generation) return;
      if (!t.connected()) {
        p.state = 'queued';
      } else {
        p.state = 'failed';
        p.error = err instanceof Error ? err.message.replace(/^.*HubException: /, '') : 'Failed to send.';
      }
      this.changedMessages(cs.key);
    }
  }

  /** Send everything queued while offline (same clientMessageId, so the server can dedupe). */
  async flushOutbox(): Promise<void> {
    for (const cs of this.convs.values()) {
      for (const p of [...cs.pending.values()]) {
        if (p.state === 'queued') await this.dispatch(cs, p);
      }
    }
  }
}

export const store = new Store();
