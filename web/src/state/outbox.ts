// Sending: an optimistic bubble per message (queued → sending → confirmed, or failed with retry), always with the same
// clientMessageId so the server dedupes a resend; held while offline or catching up, sent in order afterwards.

import { hubErrorText, rateLimitWait } from '../errors';
import type { Id } from '../model';
import { num, type ConvState, type PendingMessage } from './convState';
import type { Store } from './store';
import { applyUpdate, ingest } from './timeline';

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

/** Why a text cannot be sent (empty, too long), or null. */
export function refusal(s: Store, text: string, mediaCount = 0): string | null {
  if (!text.trim() && !mediaCount) return 'Message is empty.';
  const max = s.limits.maxMessageLength;
  if (text.length > max) return `Message is too long (max ${max.toLocaleString('en')} characters).`;
  return null;
}

/** Returns an error text, or null when the message was queued. */
export function send(s: Store, cs: ConvState, text: string, mediaIds: Id[] = []): string | null {
  const refused = refusal(s, text, mediaIds.length);
  if (refused) return refused;
  const pending: PendingMessage = {
    clientMessageId: uuid(),
    text,
    mediaIds: [...mediaIds],
    createdAt: new Date().toISOString(),
    state: 'queued',
  };
  cs.pending.set(pending.clientMessageId, pending);
  cs.activity = Date.now();
  s.changedMessages(cs.id);
  s.changedConversations();
  void dispatch(s, cs, pending);
  return null;
}

export function retry(s: Store, cs: ConvState, clientMessageId: string): void {
  const p = cs.pending.get(clientMessageId);
  if (p && p.state === 'failed') void dispatch(s, cs, p);
}

export function discard(s: Store, cs: ConvState, clientMessageId: string): void {
  if (cs.pending.delete(clientMessageId)) s.changedMessages(cs.id);
}

async function dispatch(s: Store, cs: ConvState, p: PendingMessage): Promise<void> {
  const t = s.transport;
  if (!t || !t.connected() || s.catchingUp) {
    p.state = 'queued';
    s.changedMessages(cs.id);
    return; // flushed once (re)connected and caught up
  }
  const gen = s.generation;
  p.state = 'sending';
  p.error = undefined;
  s.changedMessages(cs.id);
  try {
    const res = await t.invoke<{ seq: number; createdAt?: string } | null>('SendMessage', cs.conv.id, p.clientMessageId, p.text, p.mediaIds);
    if (gen !== s.generation) return;
    const seq = num(res?.seq, NaN);
    if (!Number.isFinite(seq)) throw new Error('Unexpected response from server.');
    p.seq = seq;
    p.state = 'sent';
    const createdAt = res?.createdAt || p.createdAt;
    ingest(s, { conversationId: cs.conv.id, seq, senderId: s.me!.id, clientMessageId: p.clientMessageId, kind: 'text', text: p.text, media: p.mediaIds, createdAt }, true);
    s.changedMessages(cs.id);
  } catch (err) {
    if (gen !== s.generation || !cs.pending.has(p.clientMessageId)) return;
    const wait = rateLimitWait(err);
    if (!t.connected()) {
      p.state = 'queued';
    } else if (wait !== null) {
      // Refused for sending too fast (an outbox flushed after a long time offline): nothing was stored; send it again
      // when the server says, with the same id.
      p.state = 'queued';
      setTimeout(() => {
        if (gen === s.generation && cs.pending.get(p.clientMessageId) === p && p.state === 'queued') void dispatch(s, cs, p);
      }, wait * 1000);
    } else {
      p.state = 'failed';
      p.error = hubErrorText(err);
    }
    s.changedMessages(cs.id);
  }
}

/** Send everything queued while offline (same clientMessageId, so the server can dedupe). */
export async function flushOutbox(s: Store): Promise<void> {
  for (const cs of s.convs.values()) {
    for (const p of [...cs.pending.values()]) {
      if (p.state === 'queued') await dispatch(s, cs, p);
    }
  }
}

export async function edit(s: Store, cs: ConvState, seq: number, text: string): Promise<void> {
  if (!text.trim()) throw new Error('Message is empty.');
  if (text.length > s.limits.maxMessageLength) throw new Error('Message is too long.');
  if (!s.transport?.connected()) throw new Error('Not connected. Try again in a moment.');
  const res = await s.transport.invoke<unknown>('EditMessage', cs.conv.id, seq, text);
  if (res && typeof res === 'object') applyUpdate(s, res);
  else {
    const held = cs.messages.get(seq);
    if (held) applyUpdate(s, { ...held, version: undefined, text, editedAt: new Date().toISOString() });
  }
}

export async function remove(s: Store, cs: ConvState, seq: number): Promise<void> {
  if (!s.transport?.connected()) throw new Error('Not connected. Try again in a moment.');
  const res = await s.transport.invoke<unknown>('DeleteMessage', cs.conv.id, seq);
  if (res && typeof res === 'object') applyUpdate(s, res);
  else {
    const held = cs.messages.get(seq);
    if (held) applyUpdate(s, { ...held, version: undefined, text: '', media: [], deletedAt: new Date().toISOString() });
  }
}
