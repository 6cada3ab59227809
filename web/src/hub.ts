// SignalR connection to /hubs/chat. Reconnects forever; catches up on every (re)connect.

import {
  HttpTransportType,
  HubConnection,
  HubConnectionBuilder,
  HubConnectionState,
  LogLevel,
} from '@microsoft/signalr';
import { normConversation, normEvent, normMessage, session } from './api';
import { store, type Transport } from './store';

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
        accessTokenFactory: () => session.token() ?? '',
        skipNegotiation: true,
        transport: HttpTransportType.WebSockets,
      })
      .withAutomaticReconnect({
        nextRetryDelayInMilliseconds: (ctx) => RETRY_DELAYS[ctx.previousRetryCount] ?? MAX_DELAY,
      })
      .configureLogging(LogLevel.Warning)
      .build();
    this.conn = conn;

    conn.on('MessageReceived', (...args: unknown[]) => {
      const m = firstObject(args);
      if (m) store.push({ kind: 'message', payload: normMessage(m) });
    });
    conn.on('ConversationChanged', (...args: unknown[]) => {
      const c = firstObject(args);
      if (c) store.push({ kind: 'conversation', payload: normConversation(c) });
    });
    conn.on('PresenceChanged', (...args: unknown[]) => {
      const p = firstObject(args);
      if (p) store.setPresence(normEvent(p));
    });
    conn.on('ReadMarkerChanged', (...args: unknown[]) => {
      const r = firstObject(args);
      if (r) store.push({ kind: 'read', payload: normEvent(r) });
    });
    conn.on('TypingChanged', (...args: unknown[]) => {
      const t = firstObject(args);
      if (t) store.setTyping(normEvent(t));
    });

    conn.onreconnecting(() => {
      if (conn === this.conn) this.setStatus('reconnecting');
    });
    conn.onreconnected(() => {
      if (conn === this.conn) void this.afterConnect();
    });
    conn.onclose(() => {
      if (conn !== this.conn || !this.active) return;
      this.setStatus('disconnected');
      this.scheduleRestart();
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

  private async afterConnect(): Promise<void> {
    this.setStatus('connected');
    try {
      await store.catchUp();
    } finally {
      void store.flushOutbox();
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

export const hub = new ChatHub();
