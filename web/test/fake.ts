// An in-memory backend for store tests: the HTTP API subset the store uses and a hub transport.
import { normConversation, normMessage, type Conversation, type Id, type Message } from '../src/model';
import { start, Store, type StoreApi, type Transport } from '../src/state/store';

export interface RawMsg {
  conversationId: number;
  seq: number;
  senderId: number;
  clientMessageId: string | null;
  kind: 'text' | 'system';
  text: string;
  media: number[];
  system: null;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  version: number;
}

export class FakeServer {
  messages: RawMsg[] = [];
  version = 0;
  connected = true;
  calls: { method: string; args: unknown[] }[] = [];
  /** Every Sync reply, as sent. */
  syncReplies: { messages: RawMsg[]; updates: RawMsg[]; hasMore: boolean }[] = [];
  /** Messages (new and updated together) one Sync reply holds at most, as the server's budget. */
  syncPage = 3;
  failSend = false;
  /** Hold SendMessage replies until released. */
  holdSend: (() => void)[] | null = null;
  constructor(readonly convId = 7, readonly me = 1, readonly other = 2) {}

  add(senderId: number, text: string, clientMessageId: string | null = null): RawMsg {
    const dup = clientMessageId && this.messages.find((m) => m.clientMessageId === clientMessageId);
    if (dup) return dup;
    this.version++;
    const m: RawMsg = {
      conversationId: this.convId, seq: this.messages.length + 1, senderId, clientMessageId, kind: 'text', text,
      media: [], system: null, createdAt: new Date(Date.UTC(2026, 0, 1, 12, this.messages.length)).toISOString(),
      editedAt: null, deletedAt: null, version: this.version,
    };
    this.messages.push(m);
    return m;
  }

  edit(seq: number, text: string): RawMsg {
    const m = this.messages[seq - 1];
    m.text = text;
    m.editedAt = new Date().toISOString();
    m.version = ++this.version;
    return { ...m };
  }

  delete(seq: number): RawMsg {
    const m = this.messages[seq - 1];
    m.text = '';
    m.deletedAt = new Date().toISOString();
    m.version = ++this.version;
    return { ...m };
  }

  view(): Record<string, unknown> {
    return {
      id: this.convId, kind: 'direct', title: null, ownerId: null,
      members: [{ userId: this.me, lastReadSeq: 0 }, { userId: this.other, lastReadSeq: 0 }],
      lastSeq: this.messages.length, lastReadSeq: 0, unreadCount: 0,
      lastMessage: this.messages[this.messages.length - 1] ?? null, createdAt: '2026-01-01T00:00:00Z', version: this.version,
    };
  }

  api(): StoreApi {
    const self = this;
    return {
      async user(id: Id) {
        return { id, username: `u${id}`, displayName: `User ${id}` };
      },
      async conversations(): Promise<Conversation[]> {
        return [normConversation(self.view())];
      },
      async messages(_id: Id, opts: { before?: number; after?: number; limit?: number }): Promise<Message[]> {
        self.calls.push({ method: 'GET messages', args: [opts] });
        let list = self.messages;
        const limit = opts.limit ?? 50;
        if (opts.before !== undefined) list = list.filter((m) => m.seq < opts.before!).slice(-limit);
        else if (opts.after !== undefined) list = list.filter((m) => m.seq > opts.after!).slice(0, limit);
        else list = list.slice(-limit);
        return list.map((m) => normMessage({ ...m }));
      },
      async openDirect() {
        return normConversation(self.view());
      },
      async createGroup() {
        return normConversation(self.view());
      },
      async rename() {
        return normConversation(self.view());
      },
      async addMember() {
        return normConversation(self.view());
      },
      async removeMember() {},
      async presence() {
        return [];
      },
    };
  }

  transport(): Transport {
    return {
      connected: () => this.connected,
      invoke: async <T>(method: string, ...args: unknown[]): Promise<T> => {
        this.calls.push({ method, args });
        if (!this.connected) throw new Error('Not connected.');
        switch (method) {
          case 'SendMessage': {
            if (this.failSend) throw new Error("HubException: invalid-request: nope");
            const [, cmid, text] = args as [number, string, string];
            const m = this.add(this.me, text, cmid);
            if (this.holdSend) await new Promise<void>((r) => this.holdSend!.push(r));
            return { seq: m.seq, createdAt: m.createdAt } as T;
          }
          case 'Sync': {
            // As the server: updates (by version) before new messages (by seq), one budget for both, cut as read.
            const [cursors] = args as [{ conversationId: number; afterSeq: number; afterVersion: number }[]];
            const cur = cursors.find((c) => c.conversationId === this.convId)!;
            const changed = cur.afterSeq === 0 ? [] : this.messages
              .filter((m) => m.seq <= cur.afterSeq && m.version > cur.afterVersion && (m.editedAt || m.deletedAt))
              .sort((a, b) => a.version - b.version);
            const updates = changed.slice(0, this.syncPage);
            const fresh = updates.length < changed.length ? [] : this.messages.filter((m) => m.seq > cur.afterSeq);
            const page = fresh.slice(0, this.syncPage - updates.length);
            const reply = {
              messages: page.map((m) => ({ ...m })),
              updates: updates.map((m) => ({ ...m })),
              hasMore: updates.length < changed.length || page.length < fresh.length,
            };
            this.syncReplies.push(reply);
            return { conversations: [this.view()], ...reply } as T;
          }
          default:
            return null as T;
        }
      },
    };
  }

  store(): Store {
    const s = new Store(this.api());
    s.transport = this.transport();
    start(s, { id: this.me, username: 'me', displayName: 'Me' });
    return s;
  }
}

/** Let queued promises and microtasks run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}
