import { describe, expect, it } from 'vitest';
import { FakeServer, settle } from './fake';
import { normMedia } from '../src/model';
import { open, refreshConversations, upsertConversation } from '../src/state/conversations';
import { ordered } from '../src/state/convState';
import { rememberUser } from '../src/state/directory';
import { flushOutbox, retry, send } from '../src/state/outbox';
import { catchUp, push } from '../src/state/pushes';
import { seenBy, setViewing } from '../src/state/reading';
import { totalUnread, type Store } from '../src/state/store';
import { loadInitial, loadOlder } from '../src/state/timeline';
import { setTyping, typing, typingNames } from '../src/state/typing';

async function openLoaded(server: FakeServer): Promise<Store> {
  const store = server.store();
  await refreshConversations(store);
  const cs = store.get(server.convId)!;
  open(store, cs.id);
  await loadInitial(store, cs);
  await settle();
  return store;
}

const seqsOf = (store: Store, id: number) => ordered(store.get(id)!).map((m) => m.seq);
const textsOf = (store: Store, id: number) => ordered(store.get(id)!).map((m) => m.text);

describe('optimistic send', () => {
  it('shows a pending message, then exactly one confirmed message even when the echo arrives too', async () => {
    const server = new FakeServer();
    const store = await openLoaded(server);
    const cs = store.get(7)!;
    expect(send(store, cs, 'hello')).toBeNull();
    expect([...cs.pending.values()][0].state).toBe('sending');
    await settle();
    expect(cs.pending.size).toBe(0);
    // The hub echo of our own message (same seq and clientMessageId) does not duplicate it.
    push(store, { kind: 'message', payload: { ...server.messages[0] } });
    await settle();
    expect(seqsOf(store, 7)).toEqual([1]);
    expect(textsOf(store, 7)).toEqual(['hello']);
  });

  it('resolves the pending bubble by clientMessageId when the echo beats the reply', async () => {
    const server = new FakeServer();
    server.holdSend = [];
    const store = await openLoaded(server);
    const cs = store.get(7)!;
    send(store, cs, 'race');
    await settle();
    expect(cs.pending.size).toBe(1);
    push(store, { kind: 'message', payload: { ...server.messages[0] } });
    expect(cs.pending.size).toBe(0);
    server.holdSend.forEach((r) => r());
    await settle();
    expect(seqsOf(store, 7)).toEqual([1]);
  });

  it('marks a refused message failed and retries with the same clientMessageId', async () => {
    const server = new FakeServer();
    server.failSend = true;
    const store = await openLoaded(server);
    const cs = store.get(7)!;
    send(store, cs, 'again');
    await settle();
    const p = [...cs.pending.values()][0];
    expect(p.state).toBe('failed');
    expect(p.error).toBe('nope');
    server.failSend = false;
    retry(store, cs, p.clientMessageId);
    await settle();
    const sends = server.calls.filter((c) => c.method === 'SendMessage');
    expect(sends).toHaveLength(2);
    expect(sends[0].args[1]).toBe(sends[1].args[1]);
    expect(cs.pending.size).toBe(0);
    expect(seqsOf(store, 7)).toEqual([1]);
  });

  it('queues while offline and flushes on reconnect with the same clientMessageId (server dedupes)', async () => {
    const server = new FakeServer();
    const store = await openLoaded(server);
    const cs = store.get(7)!;
    server.connected = false;
    send(store, cs, 'offline 1');
    send(store, cs, 'offline 2');
    await settle();
    expect([...cs.pending.values()].map((p) => p.state)).toEqual(['queued', 'queued']);
    server.connected = true;
    await catchUp(store);
    await flushOutbox(store);
    await settle();
    expect(textsOf(store, 7)).toEqual(['offline 1', 'offline 2']);
    expect(cs.pending.size).toBe(0);
    // A duplicate flush (e.g. a reconnect racing the reply) cannot create a second copy.
    expect(server.messages).toHaveLength(2);
  });

  it('keeps ids as numbers from the wire to the hub', async () => {
    const server = new FakeServer();
    const store = await openLoaded(server);
    const mediaId = normMedia({ id: 42, contentType: 'image/png', size: 1, url: '/x' }).id; // upload answer
    expect(mediaId).toBe(42);
    send(store, store.get(7)!, 'x', [mediaId]);
    await settle();
    const call = server.calls.find((c) => c.method === 'SendMessage')!;
    expect(call.args[0]).toBe(7);
    expect(call.args[3]).toEqual([42]);
  });
});

describe('gap repair and sync', () => {
  it('fetches the missing range when a pushed seq skips ahead', async () => {
    const server = new FakeServer();
    server.add(2, 'a');
    server.add(2, 'b');
    const store = await openLoaded(server);
    server.add(2, 'c');
    server.add(2, 'd');
    const e = server.add(2, 'e');
    push(store, { kind: 'message', payload: { ...e } }); // 3 and 4 were lost
    await settle();
    expect(seqsOf(store, 7)).toEqual([1, 2, 3, 4, 5]);
    expect(store.get(7)!.last).toBe(5);
  });

  it('catches up after a reconnect with paged Sync (hasMore), in order, without duplicates', async () => {
    const server = new FakeServer();
    server.add(2, 'm1');
    const store = await openLoaded(server);
    for (let i = 2; i <= 11; i++) server.add(2, `m${i}`);
    // A live push that arrives while catching up is buffered and deduplicated.
    const catching = catchUp(store);
    push(store, { kind: 'message', payload: { ...server.messages[10] } });
    await catching;
    await settle();
    expect(seqsOf(store, 7)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const syncs = server.calls.filter((c) => c.method === 'Sync');
    expect(syncs.length).toBeGreaterThanOrEqual(4); // 10 new messages, 3 per page
    const afterSeqs = syncs.map((c) => (c.args[0] as { afterSeq: number }[])[0].afterSeq);
    expect(afterSeqs).toEqual([...afterSeqs].sort((a, b) => a - b));
  });

  it('applies edits and deletes from Sync updates using afterVersion', async () => {
    const server = new FakeServer();
    server.add(1, 'one');
    server.add(2, 'two');
    const store = await openLoaded(server);
    const cs = store.get(7)!;
    expect(cs.version).toBe(2);
    server.edit(1, 'one (edited)');
    const m2 = server.messages[1];
    m2.text = '';
    m2.deletedAt = new Date().toISOString();
    m2.version = ++server.version;
    await catchUp(store);
    await settle();
    const sync = server.calls.find((c) => c.method === 'Sync')!;
    expect((sync.args[0] as { afterVersion: number }[])[0].afterVersion).toBe(2);
    expect(textsOf(store, 7)).toEqual(['one (edited)', '']);
    expect(cs.messages.get(2)!.deletedAt).toBeTruthy();
    expect(cs.version).toBe(4);
  });

  it('applies 600 deletes that take several Sync rounds, and the next Sync downloads none of them again', async () => {
    const server = new FakeServer();
    server.syncPage = 500;
    for (let i = 1; i <= 600; i++) server.add(2, `m${i}`);
    const store = await openLoaded(server);
    const cs = store.get(7)!;
    while (cs.hasOlder) await loadOlder(store, cs);
    expect(cs.messages.size).toBe(600);
    for (let i = 1; i <= 600; i++) server.delete(i);

    await catchUp(store);
    await settle();

    expect([...cs.messages.values()].filter((m) => !m.deletedAt).map((m) => m.seq)).toEqual([]);
    expect(server.syncReplies.map((r) => r.updates.length)).toEqual([500, 100]);
    expect(cs.version).toBe(server.version);
    server.syncReplies = [];
    await catchUp(store);
    expect(server.syncReplies.map((r) => r.updates.length + r.messages.length)).toEqual([0]);
  });

  it('keeps every update when a Sync reply is cut among them, with new messages waiting behind', async () => {
    const server = new FakeServer();
    server.syncPage = 4;
    for (let i = 1; i <= 6; i++) server.add(2, `m${i}`);
    const store = await openLoaded(server);
    const cs = store.get(7)!;
    for (let i = 1; i <= 6; i++) server.edit(i, `m${i} (edited)`);
    for (let i = 7; i <= 9; i++) server.add(2, `m${i}`);
    server.edit(8, 'm8 (edited)');

    await catchUp(store);
    await settle();

    expect(textsOf(store, 7)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => (i === 7 || i === 9 ? `m${i}` : `m${i} (edited)`)));
    // 6 updates then 3 new messages, 4 per reply, each once.
    expect(server.syncReplies.map((r) => [r.updates.length, r.messages.length])).toEqual([[4, 0], [2, 2], [0, 1]]);
    expect(cs.version).toBe(server.version);
  });

  it('repairs an edit whose push was lost even after a newer message arrived live', async () => {
    const server = new FakeServer();
    server.add(2, 'first');
    const store = await openLoaded(server);
    server.edit(1, 'first (edited)'); // its MessageUpdated push never arrives
    const next = server.add(2, 'second');
    push(store, { kind: 'message', payload: { ...next } }); // a higher version, live
    await settle();
    await catchUp(store);
    await settle();
    expect(textsOf(store, 7)).toEqual(['first (edited)', 'second']);
  });

  it('ignores a stale update (older version) and applies newer ones from the hub', async () => {
    const server = new FakeServer();
    server.add(1, 'v1');
    const store = await openLoaded(server);
    const newer = server.edit(1, 'v2');
    push(store, { kind: 'update', payload: newer });
    push(store, { kind: 'update', payload: { ...newer, text: 'stale', version: newer.version - 1 } });
    await settle();
    expect(textsOf(store, 7)).toEqual(['v2']);
    expect(store.get(7)!.conv.lastMessage!.text).toBe('v2');
  });

  it('keeps a message that arrives after a newer one in a conversation that was loaded empty', async () => {
    const server = new FakeServer();
    const store = await openLoaded(server);
    const first = server.add(2, 'first');
    const second = server.add(1, 'second');
    push(store, { kind: 'message', payload: { ...second } });
    push(store, { kind: 'message', payload: { ...first } });
    await settle();
    expect(textsOf(store, 7)).toEqual(['first', 'second']);
    expect(store.get(7)!.last).toBe(2);
  });

  it('never inserts a message older than the loaded window from a push', async () => {
    const server = new FakeServer();
    for (let i = 1; i <= 60; i++) server.add(2, `m${i}`);
    const store = await openLoaded(server);
    expect(seqsOf(store, 7)[0]).toBe(11);
    push(store, { kind: 'message', payload: { ...server.messages[2] } });
    await settle();
    expect(seqsOf(store, 7)[0]).toBe(11);
    await loadOlder(store, store.get(7)!);
    expect(seqsOf(store, 7)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });
});

describe('conversations, unread and read state', () => {
  it('counts unread for messages from others while not viewing and clears when viewing', async () => {
    const server = new FakeServer();
    const store = server.store();
    await refreshConversations(store);
    const cs = store.get(7)!;
    push(store, { kind: 'message', payload: { ...server.add(2, 'hi') } });
    push(store, { kind: 'message', payload: { ...server.add(2, 'there') } });
    expect(cs.unread).toBe(2);
    expect(totalUnread(store)).toBe(2);
    open(store, 7);
    setViewing(store, true);
    expect(cs.unread).toBe(0);
    const mark = server.calls.find((c) => c.method === 'MarkRead')!;
    expect(mark.args).toEqual([7, 2]);
  });

  it('tracks other members read markers for "Seen"', async () => {
    const server = new FakeServer();
    server.add(1, 'mine');
    const store = await openLoaded(server);
    const cs = store.get(7)!;
    expect(seenBy(store, cs, 1)).toBe(0);
    push(store, { kind: 'read', payload: { conversationId: '7', userId: '2', lastReadSeq: 1 } });
    expect(seenBy(store, cs, 1)).toBe(1);
    push(store, { kind: 'read', payload: { conversationId: '7', userId: '2', lastReadSeq: 0 } });
    expect(seenBy(store, cs, 1)).toBe(1); // never moves back
  });

  it('drops a conversation on ConversationRemoved and when missing from the list after reconnect', async () => {
    const server = new FakeServer();
    const store = server.store();
    await refreshConversations(store);
    const removed: number[] = [];
    store.onRemoved = (key) => removed.push(key);
    open(store, 7);
    push(store, { kind: 'removed', payload: { conversationId: 7 } });
    expect(store.get(7)).toBeUndefined();
    expect(store.openId).toBeNull();
    expect(removed).toEqual([7]);
    upsertConversation(store, { id: 99, kind: 'group', title: 'Gone', members: [], lastSeq: 0 });
    await refreshConversations(store);
    expect(store.get(99)).toBeUndefined();
  });

  it('throttles Typing to one call per 3 seconds and shows typing for 5', async () => {
    const server = new FakeServer();
    const store = await openLoaded(server);
    const cs = store.get(7)!;
    typing(store, cs, 10_000);
    typing(store, cs, 11_000);
    typing(store, cs, 13_100);
    expect(server.calls.filter((c) => c.method === 'Typing')).toHaveLength(2);
    rememberUser(store, { id: 2, username: 'bob', displayName: 'Bob' });
    setTyping(store, { conversationId: '7', userId: '2' }, 0);
    expect(typingNames(store, cs, 4_000)).toEqual(['Bob']);
    expect(typingNames(store, cs, 5_001)).toEqual([]);
  });
});
