// SignalR connection to /hubs/chat. Reconnects forever; catches up on every (re)connect.

import {
  HttpTransportType,
  HubConnection,
  HubConnectionBuilder,
  HubConnectionState,
  LogLevel,
} from '@microsoft/signalr';
import { normEvent } from './model';
import { session } from './session';
import { flushOutbox } from './state/outbox';
import { setPresence } from './state/presence';
import { catchUp, push } from './state/pushes';
import type { Store, Transport } from './state/store';
import { setTyping } from './state/typing';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

const RETRY_DELAYS = [0, 1000, 2000, 5000];
const MAX_DELAY = 10_000;

function firstObject(args: unknown[]): Record<string, unknown> | null {
  for (const a of args) if (a && typeof a === 'object') return a as Record<string, unknown>;
  return null;
}

export class ChatHub implements Transport {
  private conn: HubConnection | null = null;
  private active = false;
  private status: ConnectionStatus = 'disconnected';
  private statusListener: (s: ConnectionStatus) => void = () => undefined;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private presence: 'online' | 'away' = 'online';
  private resyncing: Promise<void> | null = null;
  private resyncAgain = false;

  constructor(private readonly store: Store) {}

  onStatus(fn: (s: ConnectionStatus) => void): void {
    this.statusListener = fn;
  }

  connected(): boolean {
    return this.conn?.state === HubConnectionState.Connected;
  }

  invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    if (!this.conn) return Promise.reject(new Error('Not connected.'));
    return this.conn.invoke<T>(method, ...args);
  }

  private setStatus(s: ConnectionStatus): void {
    this.status = s;
    this.statusListener(s);
  }

  start(): void {
    this.stop();
    this.active = true;
    const conn = new HubConnectionBuilder()
      .withUrl('/hubs/chat', {
        accessTokenFactory: () => session.fresh(),
        skipNegotiation: true,
        transport: HttpTransportType.WebSockets,
      })
      .withAutomaticReconnect({
        // After a few quick tries, hand over to our own loop (which also refreshes the token).
        nextRetryDelayInMilliseconds: (ctx) => RETRY_DELAYS[ctx.previousRetryCount] ?? null,
      })
      .configureLogging(LogLevel.Warning)
      .build();
    this.conn = conn;

    const on = (name: string, fn: (data: Record<string, unknown>) => void): void => {
      conn.on(name, (...args: unknown[]) => {
        const data = firstObject(args);
        if (data) fn(data);
      });
    };
    on('MessageReceived', (m) => push(this.store, { kind: 'message', payload: m }));
    on('MessageUpdated', (m) => push(this.store, { kind: 'update', payload: m }));
    on('ConversationChanged', (c) => push(this.store, { kind: 'conversation', payload: c }));
    on('ConversationRemoved', (c) => push(this.store, { kind: 'removed', payload: c }));
    on('ReadMarkerChanged', (r) => push(this.store, { kind: 'read', payload: normEvent(r) }));
    on('PresenceChanged', (p) => setPresence(this.store, normEvent(p)));
    on('TypingChanged', (t) => setTyping(this.store, normEvent(t)));
    // The server lost pushes meant for this connection (its backplane was interrupted): catch up from the store.
    conn.on('Resync', () => {
      if (conn === this.conn) this.resync();
    });

    conn.onreconnecting(() => {
      if (conn === this.conn) this.setStatus('reconnecting');
    });
    conn.onreconnected(() => {
      if (conn === this.conn) void this.afterConnect();
    });
    conn.onclose((error) => {
      if (conn !== this.conn || !this.active) return;
      this.setStatus('disconnected');
      // The server refused this connection for good (this user has too many open): reconnecting would only be refused again.
      if (error?.message.includes('too-many-connections:')) {
        this.active = false;
        return;
      }
      void session.recover().then(() => {
        if (conn === this.conn && this.active) this.scheduleRestart();
      });
    });

    void this.connect(conn);
  }

  private async connect(conn: HubConnection): Promise<void> {
    if (conn !== this.conn || !this.active) return;
    this.setStatus(this.attempts === 0 ? 'connecting' : 'reconnecting');
    try {
      await conn.start();
      if (conn !== this.conn || !this.active) return;
      this.attempts = 0;
      await this.afterConnect();
    } catch {
      if (conn !== this.conn || !this.active) return;
      this.setStatus('disconnected');
      // A refused connection is often an expired token: refresh before the next attempt.
      await session.recover();
      if (conn !== this.conn || !this.active) return;
      this.scheduleRestart();
    }
  }

  private scheduleRestart(): void {
    if (this.restartTimer || !this.active) return;
    const delay = RETRY_DELAYS[this.attempts] ?? MAX_DELAY;
    this.attempts++;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      const conn = this.conn;
      if (conn && this.active && conn.state === HubConnectionState.Disconnected) void this.connect(conn);
    }, Math.max(delay, 500));
  }

  /** Report "online" / "away"; remembered and re-sent after every reconnect. */
  setPresence(status: 'online' | 'away', force = false): void {
    if (status === this.presence && !force) return;
    this.presence = status;
    if (this.connected()) this.conn!.invoke('SetPresence', status).catch(() => undefined);
  }

  /** One catch-up at a time; a Resync that arrives during one runs another after it. */
  private resync(): void {
    if (this.resyncing) {
      this.resyncAgain = true;
      return;
    }
    this.resyncing = (async () => {
      do {
        this.resyncAgain = false;
        await catchUp(this.store);
      } while (this.resyncAgain && this.connected());
    })().finally(() => {
      this.resyncing = null;
    });
  }

  private async afterConnect(): Promise<void> {
    this.setStatus('connected');
    this.setPresence(this.presence, true);
    try {
      await catchUp(this.store);
    } finally {
      void flushOutbox(this.store);
    }
  }

  stop(): void {
    this.active = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.attempts = 0;
    const conn = this.conn;
    this.conn = null;
    if (conn) void conn.stop().catch(() => undefined);
    if (this.status !== 'disconnected') this.setStatus('disconnected');
  }
}

