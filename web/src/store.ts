// Client-side state, free of DOM code (tested with Vitest). The store is the source of truth; hub pushes
// are hints validated against each conversation's contiguous seq range, and Sync fills every gap.

import {
  api as realApi,
  ApiError,
  hubErrorText,
  rateLimitWait,
  normConversation,
  normId,
  normMessage,
  sameId,
  wireId,
  type Conversation,
  type Id,
  type Message,
  type PresenceInfo,
  type User,
} from './api';

export const MAX_MESSAGE_LENGTH = 100_000;
export const TYPING_SHOW_MS = 5000;
export const TYPING_SEND_EVERY_MS = 3000;
const PAGE_SIZE = 50;
const GAP_PAGE_SIZE = 100;

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

export interface Presence {
  status: string;
  lastSeen?: string | null;
}

export interface Transport {
  connected(): boolean;
  invoke<T>(method: string, ...args: unknown[]): Promise<T>;
}

export type StoreApi = Pick<
  typeof realApi,
  'user' | 'conversations' | 'messages' | 'openDirect' | 'createGroup' | 'rename' | 'addMember' | 'removeMember' | 'presence'
>;

interface SyncResult {
  conversations?: unknown[];
  messages?: unknown[];
  updates?: unknown[];
  hasMore?: boolean;
}

export type Push =
  | { kind: 'message'; payload: unknown }
  | { kind: 'update'; payload: unknown }
  | { kind: 'conversation'; payload: unknown }
  | { kind: 'removed'; payload: unknown }
  | { kind: 'read'; payload: Record<string, unknown> };

/** Normalised map key for any id (number 1 and string "1" are the same key). */
export const keyOf = (id: unknown): string => normId(id);

export function uuid(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(b);
  else b.forEach((_, i) => (b[i] = Math.floor(Math.random() * 256)));
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
  /** The open conversation is on screen and the window has focus (MarkRead allowed). */
  viewing = false;
  transport: Transport | null = null;
  /** A new message from someone else arrived live (for notifications / the live region). */
  onIncoming: (cs: ConvState, msg: Message) => void = () => undefined;
  /** A conversation disappeared (left, removed). */
  onRemoved: (key: string, title: string) => void = () => undefined;

  private generation = 0;
  private catchingUp = false;
  private buffered: Push[] = [];
  private userRequests = new Map<Id, Promise<void>>();
  private presenceAsked = new Set<Id>();
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private listeners = { conversations: new Set<() => void>(), messages: new Set<(key: string) => void>() };
  private notifyConvsQueued = false;
  private notifyMsgsQueued = new Set<string>();

  constructor(private readonly api: StoreApi = realApi) {}

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

  isMe(id: unknown): boolean {
    return this.me !== null && sameId(id, this.me.id);
  }

  reset(): void {
    this.generation++;
    this.me = null;
    this.convs.clear();
    this.presence.clear();
    this.presenceAsked.clear();
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

  totalUnread(): number {
    let n = 0;
    for (const cs of this.convs.values()) n += cs.unread;
    return n;
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

  /** "You" for the signed-in user. */
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
      p = this.api
        .user(id)
        .then((u) => {
          if (gen === this.generation && u) this.rememberUser({ ...u, id });
        })
        .catch((err: unknown) => {
          if (gen !== this.generation || (err instanceof ApiError && err.status === 404)) return;
          setTimeout(() => {
            if (gen !== this.generation || this.userRequests.get(id) !== p) return;
            this.userRequests.delete(id);
            this.changedConversations();
            if (this.openKey) this.changedMessages(this.openKey);
          }, 10_000);
        });
      this.userRequests.set(id, p);
    }
    return p;
  }

  otherMember(cs: ConvState): Id | null {
    const other = (cs.conv.members || []).find((m) => !this.isMe(m.userId));
    return other ? keyOf(other.userId) : null;
  }

  title(cs: ConvState): string {
    if (cs.conv.kind === 'direct') {
      const other = this.otherMember(cs);
      if (other !== null) return this.userName(other);
      return cs.conv.title || 'Direct chat';
    }
    if (cs.conv.title) return cs.conv.title;
    const names = (cs.conv.members || []).filter((m) => !this.isMe(m.userId)).map((m) => this.userName(m.userId));
    return names.length ? names.join(', ') : 'Group';
  }

  isOwner(cs: ConvState): boolean {
    return cs.conv.kind === 'group' && this.isMe(cs.conv.ownerId);
  }

  // ---- presence ----

  setPresence(data: Record<string, unknown>): void {
    const userId = keyOf(data.userId);
    if (!userId) return;
    this.presence.set(userId, {
      status: String(data.status ?? 'offline').toLowerCase(),
      lastSeen: (data.lastSeen as string | null | undefined) ?? null,
    });
    this.changedConversations();
    if (this.openKey) this.changedMessages(this.openKey);
  }

  /** Fetch presence of every member we have not asked about yet (or everyone with `all`). */
  async loadPresence(all = false): Promise<void> {
    const ids = new Set<Id>();
    for (const cs of this.convs.values()) {
      for (const m of cs.conv.members) {
        const id = keyOf(m.userId);
        if (id && !this.isMe(id) && (all || !this.presenceAsked.has(id))) ids.add(id);
      }
    }
    if (!ids.size) return;
    const gen = this.generation;
    ids.forEach((id) => this.presenceAsked.add(id));
    let list: PresenceInfo[];
    try {
      list = await this.api.presence([...ids]);
    } catch {
      ids.forEach((id) => this.presenceAsked.delete(id));
      return;
    }
    if (gen !== this.generation) return;
    for (const p of list) this.setPresence(p as unknown as Record<string, unknown>);
  }

  // ---- conversations ----

  sortedConversations(): ConvState[] {
    return [...this.convs.values()].sort((a, b) => b.activity - a.activity || b.conv.lastSeq - a.conv.lastSeq);
  }

  upsertConversation(raw: unknown, fillGaps = true): ConvState | undefined {
    if (!raw) return undefined;
    const conv = normConversation(raw);
    const key = conv.id;
    if (!key) return undefined;
    let cs = this.convs.get(key);
    const incomingLast = conv.lastMessage ?? null;
    if (!cs) {
      cs = {
        key,
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
        activity: timeOf(incomingLast?.createdAt) || timeOf(conv.createdAt) || Date.now(),
        readBy: new Map(),
        typing: new Map(),
        lastTypingSent: 0,
        loading: null,
        gap: null,
        gapAgain: false,
      };
      this.convs.set(key, cs);
      void this.loadPresence();
    } else {
      const prev = cs.conv;
      const merged: Conversation = { ...prev, ...conv };
      merged.members = Array.isArray(conv.members) && conv.members.length ? conv.members : prev.members;
      merged.lastSeq = Math.max(prev.lastSeq, conv.lastSeq);
      const prevLast = prev.lastMessage;
      merged.lastMessage = !incomingLast || (prevLast && prevLast.seq > incomingLast.seq) ? prevLast : incomingLast;
      cs.conv = merged;
      const act = timeOf(merged.lastMessage?.createdAt);
      if (act > cs.activity) cs.activity = act;
      if (conv.unreadCount !== undefined && conv.unreadCount !== null) {
        const serverUnread = Math.max(0, num(conv.unreadCount, 0));
        const serverRead = num(conv.lastReadSeq, -1);
        cs.unread =
          cs.localReadSeq > serverRead
            ? Math.max(0, Math.min(serverUnread, merged.lastSeq - cs.localReadSeq))
            : serverUnread;
        if (serverRead > cs.localReadSeq) cs.localReadSeq = serverRead;
        if (serverRead > cs.sentReadSeq) cs.sentReadSeq = serverRead;
      }
      if (conv.members.some((m) => !this.presenceAsked.has(keyOf(m.userId)))) void this.loadPresence();
    }
    for (const m of cs.conv.members) {
      const read = num(m.lastReadSeq, NaN);
      if (Number.isFinite(read) && !this.isMe(m.userId)) {
        cs.readBy.set(m.userId, Math.max(cs.readBy.get(m.userId) ?? 0, read));
      }
    }
    this.changedConversations();
    if (this.openKey === key) {
      this.changedMessages(key);
      this.markReadIfViewing();
    }
    if (fillGaps && cs.loaded && cs.conv.lastSeq > cs.last) void this.fillGap(cs);
    return cs;
  }

  removeConversation(raw: unknown): void {
    const key = keyOf(raw && typeof raw === 'object' ? (raw as Record<string, unknown>).conversationId : raw);
    const cs = this.convs.get(key);
    if (!cs) return;
    const title = this.title(cs);
    this.convs.delete(key);
    if (this.openKey === key) this.openKey = null;
    this.changedConversations();
    this.onRemoved(key, title);
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refreshConversations().catch(() => undefined);
    }, 150);
  }

  /** GET the list; conversations missing from it (left / removed while away) are dropped. */
  async refreshConversations(): Promise<void> {
    const gen = this.generation;
    const list = await this.api.conversations();
    if (gen !== this.generation) return;
    const seen = new Set<string>();
    for (const c of list) {
      const cs = this.upsertConversation(c, false);
      if (cs) seen.add(cs.key);
    }
    for (const key of [...this.convs.keys()]) if (!seen.has(key)) this.removeConversation(key);
  }

  async openDirect(userId: Id): Promise<ConvState | undefined> {
    const gen = this.generation;
    const conv = await this.api.openDirect(userId);
    if (gen !== this.generation) return undefined;
    const cs = this.upsertConversation(conv);
    if (cs && !cs.conv.lastMessage) cs.activity = Math.max(cs.activity, Date.now());
    return cs;
  }

  async createGroup(title: string, memberIds: Id[]): Promise<ConvState | undefined> {
    const gen = this.generation;
    const conv = await this.api.createGroup(title, memberIds);
    if (gen !== this.generation) return undefined;
    const cs = this.upsertConversation(conv);
    if (cs) cs.activity = Math.max(cs.activity, Date.now());
    return cs;
  }

  async rename(cs: ConvState, title: string): Promise<void> {
    this.upsertConversation(await this.api.rename(cs.conv.id, title));
  }

  async addMember(cs: ConvState, userId: Id): Promise<void> {
    this.upsertConversation(await this.api.addMember(cs.conv.id, userId));
  }

  async removeMember(cs: ConvState, userId: Id): Promise<void> {
    await this.api.removeMember(cs.conv.id, userId);
    if (this.isMe(userId)) {
      this.removeConversation(cs.key);
      return;
    }
    cs.conv = { ...cs.conv, members: cs.conv.members.filter((m) => !sameId(m.userId, userId)) };
    this.changedConversations();
    this.changedMessages(cs.key);
  }

  open(key: string | null): void {
    this.openKey = key;
    const cs = this.get(key);
    if (cs) {
      void this.loadInitial(cs).catch(() => undefined);
      this.markReadIfViewing();
    }
    this.changedConversations();
    if (key) this.changedMessages(key);
  }

  setViewing(viewing: boolean): void {
    this.viewing = viewing;
    if (viewing) this.markReadIfViewing();
  }

  /** The open conversation is visible and focused: everything in it is read. */
  markReadIfViewing(): void {
    const cs = this.get(this.openKey);
    if (!cs || !this.viewing) return;
    const seq = Math.max(cs.conv.lastSeq, cs.loaded ? cs.last : 0);
    if (cs.unread) {
      cs.unread = 0;
      this.changedConversations();
    }
    cs.localReadSeq = Math.max(cs.localReadSeq, seq);
    if (seq > cs.sentReadSeq && this.transport?.connected()) {
      const prev = cs.sentReadSeq;
      cs.sentReadSeq = seq;
      this.transport.invoke('MarkRead', wireId(cs.conv.id), seq).catch(() => {
        if (cs.sentReadSeq === seq) cs.sentReadSeq = prev;
      });
    }
  }

  /** Other members who have read up to `seq`. */
  seenBy(cs: ConvState, seq: number): number {
    let n = 0;
    for (const m of cs.conv.members) {
      if (this.isMe(m.userId)) continue;
      if ((cs.readBy.get(keyOf(m.userId)) ?? 0) >= seq) n++;
    }
    return n;
  }

  // ---- messages ----

  loadInitial(cs: ConvState): Promise<void> {
    if (cs.loaded) return Promise.resolve();
    if (cs.loading) return cs.loading;
    const gen = this.generation;
    cs.loadError = null;
    cs.loading = (async () => {
      try {
        const page = await this.api.messages(cs.conv.id, { limit: PAGE_SIZE });
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
        this.markReadIfViewing();
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
      const page = await this.api.messages(cs.conv.id, { before, limit: PAGE_SIZE });
      if (gen !== this.generation) return;
      for (const raw of page) {
        const m = normMessage(raw);
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

  /** Messages held, ascending by seq. */
  ordered(cs: ConvState): Message[] {
    return [...cs.messages.values()].sort((a, b) => a.seq - b.seq);
  }

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
            const page = await this.api.messages(cs.conv.id, { after, limit: GAP_PAGE_SIZE });
            if (gen !== this.generation) return;
            for (const m of page) if (m.seq > after) this.ingest(m, false);
            const top = page.length ? page[page.length - 1].seq : after;
            if (top > after) this.advanceTo(cs, top);
            if (cs.last <= after) break;
          }
        } while (cs.gapAgain && gen === this.generation);
      } catch (err) {
        if (gen === this.generation && !(err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404))) {
          setTimeout(() => {
            if (gen === this.generation && this.convs.get(cs.key) === cs) void this.fillGap(cs);
          }, 3000);
        }
      }
    };
    const gap: Promise<void> = run().finally(() => {
      if (cs.gap === gap) cs.gap = null;
      this.changedMessages(cs.key);
      if (cs.gapAgain && gen === this.generation) void this.fillGap(cs);
    });
    cs.gap = gap;
    return gap;
  }

  /**
   * Add a new message from any source. Duplicates (same seq) are ignored; the optimistic bubble with
   * the same clientMessageId (or seq) is resolved. `checkGap`: a seq beyond last+1 fetches the hole.
   * Returns true when the message was new to the conversation.
   */
  ingest(raw: unknown, checkGap = true): boolean {
    if (!raw) return false;
    const msg = normMessage(raw);
    if (!msg.conversationId || !Number.isFinite(msg.seq)) return false;
    const cs = this.convs.get(msg.conversationId);
    if (!cs) {
      this.scheduleRefresh(); // e.g. someone just started a chat with us
      return false;
    }
    const viewing = this.openKey === cs.key && this.viewing;
    const mine = this.isMe(msg.senderId);
    let fresh = false;

    if (msg.seq > cs.conv.lastSeq) {
      fresh = true;
      cs.conv.lastSeq = msg.seq;
      cs.conv.lastMessage = msg;
      cs.activity = Math.max(cs.activity, timeOf(msg.createdAt) || Date.now());
      if (!mine && !viewing && msg.kind !== 'system' && msg.seq > cs.localReadSeq) cs.unread++;
      this.changedConversations();
    } else if (!cs.conv.lastMessage || cs.conv.lastMessage.seq <= msg.seq) {
      cs.conv.lastMessage = msg;
      this.changedConversations();
    }
    if (mine) cs.localReadSeq = Math.max(cs.localReadSeq, msg.seq);
    if (mine && msg.seq > cs.sentReadSeq) cs.sentReadSeq = msg.seq; // the server marks own messages read
    if (cs.typing.delete(msg.senderId)) this.changedConversations();

    // Resolve the optimistic bubble, if any.
    for (const p of cs.pending.values()) {
      if ((msg.clientMessageId && p.clientMessageId === msg.clientMessageId) || p.seq === msg.seq) {
        cs.pending.delete(p.clientMessageId);
        this.changedMessages(cs.key);
        break;
      }
    }
    if (viewing) this.markReadIfViewing();

    if (!cs.loaded) return fresh;
    if (cs.messages.has(msg.seq)) return false;
    // Older than the contiguous history held: history paging's job. A seq after `last` fills a gap, even below `low`.
    if (Number.isFinite(cs.low) && msg.seq < cs.low && msg.seq <= cs.last) return false;
    cs.messages.set(msg.seq, msg);
    if (msg.seq < cs.low) cs.low = msg.seq;
    if (msg.seq === cs.last + 1) this.advanceTo(cs, msg.seq);
    else if (msg.seq > cs.last + 1 && checkGap) void this.fillGap(cs);
    this.changedMessages(cs.key);
    if (viewing) this.markReadIfViewing();
    return true;
  }

  /** An edited or deleted message (hub MessageUpdated, Sync updates, edit/delete results). */
  applyUpdate(raw: unknown): void {
    if (!raw) return;
    const msg = normMessage(raw);
    const cs = this.convs.get(msg.conversationId);
    if (!cs || !Number.isFinite(msg.seq)) return;
    const held = cs.messages.get(msg.seq);
    const newer = (a: Message, b: Message | null | undefined): boolean =>
      !b || a.version === undefined || b.version === undefined || a.version >= b.version;
    if (held && newer(msg, held)) {
      cs.messages.set(msg.seq, { ...held, ...msg });
      this.changedMessages(cs.key);
    }
    const last = cs.conv.lastMessage;
    if (last && last.seq === msg.seq && newer(msg, last)) {
      cs.conv.lastMessage = { ...last, ...msg };
      this.changedConversations();
    }
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
      case 'message': {
        const msg = normMessage(p.payload);
        const isNew = this.ingest(msg, true);
        const cs = this.convs.get(msg.conversationId);
        if (isNew && cs && !this.isMe(msg.senderId) && msg.kind !== 'system') this.onIncoming(cs, msg);
        break;
      }
      case 'update':
        this.applyUpdate(p.payload);
        break;
      case 'conversation':
        this.upsertConversation(p.payload, true);
        break;
      case 'removed':
        this.removeConversation(p.payload);
        break;
      case 'read':
        this.applyReadMarker(p.payload);
        break;
    }
  }

  private applyReadMarker(data: Record<string, unknown>): void {
    const cs = this.convs.get(keyOf(data.conversationId));
    if (!cs) return;
    const seq = num(data.lastReadSeq ?? data.seq, NaN);
    if (!Number.isFinite(seq)) return;
    const userId = keyOf(data.userId);
    if (!userId || this.isMe(userId)) {
      // Read on another device / tab.
      cs.localReadSeq = Math.max(cs.localReadSeq, seq);
      cs.sentReadSeq = Math.max(cs.sentReadSeq, seq);
      cs.unread = seq >= cs.conv.lastSeq ? 0 : Math.min(cs.unread, cs.conv.lastSeq - seq);
      this.changedConversations();
    } else {
      cs.readBy.set(userId, Math.max(cs.readBy.get(userId) ?? 0, seq));
      this.changedMessages(cs.key);
    }
  }

  setTyping(data: Record<string, unknown>, now = Date.now()): void {
    const cs = this.convs.get(keyOf(data.conversationId));
    const userId = keyOf(data.userId);
    if (!cs || !userId || this.isMe(userId)) return;
    cs.typing.set(userId, now + TYPING_SHOW_MS);
    this.changedConversations();
    setTimeout(() => this.changedConversations(), TYPING_SHOW_MS + 100);
  }

  typingNames(cs: ConvState, now = Date.now()): string[] {
    const names: string[] = [];
    for (const [id, until] of cs.typing) {
      if (until > now) names.push(this.userName(id));
      else cs.typing.delete(id);
    }
    return names;
  }

  /** The user is typing in `cs`: tell the others, at most every 3 s. */
  typing(cs: ConvState, now = Date.now()): void {
    if (now - cs.lastTypingSent < TYPING_SEND_EVERY_MS || !this.transport?.connected()) return;
    cs.lastTypingSent = now;
    this.transport.invoke('Typing', wireId(cs.conv.id)).catch(() => undefined);
  }

  // ---- catch-up on every (re)connect ----

  async catchUp(): Promise<void> {
    if (!this.me) return;
    const gen = this.generation;
    this.catchingUp = true;
    try {
      try {
        await this.refreshConversations();
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return;
      }
      if (gen !== this.generation) return;
      try {
        await this.sync(gen);
      } catch {
        // Sync failed: the GET fallback below covers new messages.
      }
      if (gen !== this.generation) return;
      await Promise.all([...this.convs.values()].filter((cs) => cs.loaded).map((cs) => this.fillGap(cs)));
    } finally {
      if (gen === this.generation) {
        this.catchingUp = false;
        const queued = this.buffered;
        this.buffered = [];
        for (const p of queued) this.applyPush(p);
        this.markReadIfViewing();
        void this.loadPresence(true);
        // Messages written while catching up were held back; send them now.
        void this.flushOutbox();
      }
    }
  }

  cursors(): { conversationId: number | string; afterSeq: number; afterVersion: number }[] {
    return [...this.convs.values()].map((cs) => ({
      conversationId: wireId(cs.conv.id),
      afterSeq: cs.loaded ? cs.last : cs.conv.lastSeq,
      afterVersion: cs.version,
    }));
  }

  async sync(gen = this.generation): Promise<boolean> {
    if (!this.transport || !this.transport.connected()) return false;
    let prevCursorKey = '';
    for (let round = 0; round < 100; round++) {
      const cursors = this.cursors();
      const cursorKey = JSON.stringify(cursors);
      if (cursorKey === prevCursorKey) break; // hasMore but no progress
      prevCursorKey = cursorKey;
      const res = await this.transport.invoke<SyncResult | null>('Sync', cursors);
      if (gen !== this.generation) return true;
      if (!res || typeof res !== 'object') return false;
      const views: { cs: ConvState; version: number }[] = [];
      for (const c of res.conversations ?? []) {
        const cs = this.upsertConversation(c, false);
        if (cs) views.push({ cs, version: num((c as { version?: unknown }).version, 0) });
      }
      const msgs = (res.messages ?? []).map(normMessage).sort((a, b) => a.seq - b.seq);
      for (const m of msgs) {
        const cs = this.convs.get(m.conversationId);
        // Not loaded: only the preview matters; the seq cursor moves with conv.lastSeq.
        this.ingest(m, false);
        if (cs && cs.loaded) this.advanceTo(cs, cs.last); // extend through held seqs
      }
      // Messages returned for a loaded conversation are every one after its cursor: advance.
      const tops = new Map<string, number>();
      for (const m of msgs) tops.set(m.conversationId, Math.max(tops.get(m.conversationId) ?? 0, m.seq));
      for (const [key, top] of tops) {
        const cs = this.convs.get(key);
        if (cs && cs.loaded) this.advanceTo(cs, top);
      }
      const lastUpdate = new Map<string, number>();
      for (const u of res.updates ?? []) {
        this.applyUpdate(u);
        const m = normMessage(u);
        if (m.version !== undefined) lastUpdate.set(m.conversationId, Math.max(lastUpdate.get(m.conversationId) ?? 0, m.version));
      }
      // The version cursor moves only with what a Sync returned, never with a live push (which says nothing of an
      // earlier edit whose push was lost). The server sends a conversation's updates in version order before its new
      // messages: a complete reply, or new messages of that conversation, mean its updates up to the conversation's
      // version are all here (the messages after the seq cursor come in their current state); a reply cut among its
      // updates covers them only up to the last one returned.
      for (const { cs, version } of views) {
        const through = !res.hasMore || tops.has(cs.key) ? version : (lastUpdate.get(cs.key) ?? cs.version);
        if (through > cs.version) cs.version = through;
      }
      if (!res.hasMore) break;
    }
    return true;
  }

  // ---- sending, editing, deleting ----

  /** Returns an error text, or null when the message was queued. */
  send(cs: ConvState, text: string, mediaIds: Id[] = []): string | null {
    if (!text.trim() && !mediaIds.length) return 'Message is empty.';
    if (text.length > MAX_MESSAGE_LENGTH) return `Message is too long (max ${MAX_MESSAGE_LENGTH.toLocaleString('en')} characters).`;
    const pending: PendingMessage = {
      clientMessageId: uuid(),
      text,
      mediaIds: [...mediaIds],
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
        p.mediaIds.map(wireId),
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
          kind: 'text',
          text: p.text,
          media: p.mediaIds,
          createdAt: res?.createdAt || p.createdAt,
        },
        true,
      );
      this.changedMessages(cs.key);
    } catch (err) {
      if (gen !== this.generation || !cs.pending.has(p.clientMessageId)) return;
      const wait = rateLimitWait(err);
      if (!t.connected()) {
        p.state = 'queued';
      } else if (wait !== null) {
        // Refused for sending too fast (an outbox flushed after a long time offline): nothing was stored; send it again
        // when the server says, with the same id.
        p.state = 'queued';
        setTimeout(() => {
          if (gen === this.generation && cs.pending.get(p.clientMessageId) === p && p.state === 'queued') void this.dispatch(cs, p);
        }, wait * 1000);
      } else {
        p.state = 'failed';
        p.error = hubErrorText(err);
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

  async edit(cs: ConvState, seq: number, text: string): Promise<void> {
    if (!text.trim()) throw new Error('Message is empty.');
    if (text.length > MAX_MESSAGE_LENGTH) throw new Error('Message is too long.');
    if (!this.transport?.connected()) throw new Error('Not connected. Try again in a moment.');
    const res = await this.transport.invoke<unknown>('EditMessage', wireId(cs.conv.id), seq, text);
    if (res && typeof res === 'object') this.applyUpdate(res);
    else {
      const held = cs.messages.get(seq);
      if (held) this.applyUpdate({ ...held, version: undefined, text, editedAt: new Date().toISOString() });
    }
  }

  async remove(cs: ConvState, seq: number): Promise<void> {
    if (!this.transport?.connected()) throw new Error('Not connected. Try again in a moment.');
    const res = await this.transport.invoke<unknown>('DeleteMessage', wireId(cs.conv.id), seq);
    if (res && typeof res === 'object') this.applyUpdate(res);
    else {
      const held = cs.messages.get(seq);
      if (held) this.applyUpdate({ ...held, version: undefined, text: '', media: [], deletedAt: new Date().toISOString() });
    }
  }
}

export const store = new Store();
