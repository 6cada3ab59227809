import { beforeEach, describe, expect, it } from 'vitest';
import type { MediaApi } from '../src/media';
import { open, refreshConversations, upsertConversation } from '../src/state/conversations';
import { setLimits, type Store } from '../src/state/store';
import { loadInitial } from '../src/state/timeline';
import { DEFAULT_LIMITS } from '../src/limits';
import { createComposer } from '../src/views/composer';
import { createConversationList } from '../src/views/conversationList';
import { createMessageList } from '../src/views/messageList';
import { $, $$, loadPage, type } from './dom';
import { FakeServer, settle } from './fake';

const noMedia: MediaApi = {
  upload: () => ({ promise: Promise.reject(new Error('no uploads here')), abort: () => undefined }),
  deleteMedia: async () => undefined,
};

async function openConversation(server: FakeServer): Promise<Store> {
  const store = server.store();
  await refreshConversations(store);
  const cs = store.get(server.convId)!;
  open(store, cs.id);
  await loadInitial(store, cs);
  await settle();
  return store;
}

function mountMessages(store: Store) {
  const list = createMessageList($('#conversation-view'), store, { focusComposer: () => undefined, showError: () => undefined, confirm: () => true });
  list.update();
  return list;
}

beforeEach(() => loadPage());

describe('message list', () => {
  it('puts a day separator before the first message of each day, and none between messages of one day', async () => {
    const server = new FakeServer();
    server.add(2, 'monday 1').createdAt = '2026-03-02T09:00:00Z';
    server.add(2, 'monday 2').createdAt = '2026-03-02T09:01:00Z';
    server.add(1, 'tuesday').createdAt = '2026-03-03T10:00:00Z';
    const store = await openConversation(server);

    mountMessages(store);

    const rows = $$('#messages > .day-separator, #messages > .message');
    expect(rows.map((r) => (r.classList.contains('day-separator') ? 'day' : r.dataset.seq))).toEqual(['day', '1', '2', 'day', '3']);
    const labels = $$('#messages .day-separator').map((d) => d.textContent);
    expect(labels[0]).not.toBe(labels[1]);
    expect($('#messages [data-seq="2"]').classList.contains('continued')).toBe(true);
    expect($('#messages [data-seq="3"]').classList.contains('own')).toBe(true);
    expect($('#messages .history-status').textContent).toBe('Beginning of the conversation');
  });

  it('shows a pending bubble at once and turns that same row into the confirmed message', async () => {
    const server = new FakeServer();
    server.holdSend = [];
    const store = await openConversation(server);
    const list = mountMessages(store);
    const composer = createComposer($('#conversation-view'), store, { api: noMedia, sent: () => list.stickToBottom(), editLastOwn: () => false, close: () => undefined });
    composer.open(server.convId);

    type($<HTMLTextAreaElement>('#composer'), 'hello there');
    $<HTMLButtonElement>('#send').click();
    await settle();

    const pending = $('#messages .message.pending');
    expect(pending.dataset.state).toBe('sending');
    expect(pending.querySelector('.pending-status')!.textContent).toBe('Sending…');
    expect(pending.querySelector('.message-text')!.textContent).toBe('hello there');
    expect($<HTMLTextAreaElement>('#composer').value).toBe('');

    server.holdSend.forEach((release) => release());
    await settle();

    const rows = $$('#messages .message');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toBe(pending);
    expect(rows[0].dataset.seq).toBe('1');
    expect(rows[0].classList.contains('pending')).toBe(false);
    expect(rows[0].dataset.clientMessageId).toBeUndefined();
    expect(rows[0].querySelector('.read-state')!.textContent).toBe('Sent');
  });

  it('shows a refused message as not sent, with Retry that sends it again', async () => {
    const server = new FakeServer();
    server.failSend = true;
    const store = await openConversation(server);
    mountMessages(store);
    const composer = createComposer($('#conversation-view'), store, { api: noMedia, sent: () => undefined, editLastOwn: () => false, close: () => undefined });
    composer.open(server.convId);
    type($<HTMLTextAreaElement>('#composer'), 'nope?');
    $<HTMLButtonElement>('#send').click();
    await settle();

    expect($('#messages .message.failed .failed-text').textContent).toBe('Not sent: nope');
    server.failSend = false;
    $<HTMLButtonElement>('#messages .retry-send').click();
    await settle();

    expect($$('#messages .message.failed')).toHaveLength(0);
    expect($$('#messages .message').map((m) => m.dataset.seq)).toEqual(['1']);
  });

  it('shows user text as text: markup in a message or a name is never parsed, and only http(s) becomes a link', async () => {
    const server = new FakeServer();
    const evil = '<img src=x onerror="window.hacked=1"><b>bold</b> javascript:alert(1) https://example.com/a';
    server.add(2, evil);
    const store = await openConversation(server);
    store.users.set(2, { id: 2, username: 'mallory', displayName: '<script>alert(1)</script>' });

    mountMessages(store);

    const text = $('#messages [data-seq="1"] .message-text');
    expect(text.textContent).toBe(evil);
    expect(text.querySelector('img, b, script')).toBeNull();
    expect([...text.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a']);
    expect($('#messages .message-sender').textContent).toBe('<script>alert(1)</script>');
    expect($$('#messages script')).toHaveLength(0);
  });
});

describe('composer', () => {
  it('counts characters against the limit, refuses one over it, and follows the limit the server gives later', async () => {
    const server = new FakeServer();
    const store = await openConversation(server);
    const composer = createComposer($('#conversation-view'), store, { api: noMedia, sent: () => undefined, editLastOwn: () => false, close: () => undefined });
    composer.open(server.convId);
    const input = $<HTMLTextAreaElement>('#composer');
    const count = $('#char-count');

    type(input, 'hi');
    expect(count.textContent).toBe('2 / 100,000');
    expect(count.classList.contains('idle')).toBe(true);
    expect($<HTMLButtonElement>('#send').disabled).toBe(false);

    setLimits(store, { ...DEFAULT_LIMITS, maxMessageLength: 10 });
    composer.update();
    type(input, '1234567890');
    expect(count.textContent).toBe('10 / 10');
    expect(count.classList.contains('near')).toBe(true);
    expect($<HTMLButtonElement>('#send').disabled).toBe(false);

    type(input, '12345678901');
    expect(count.textContent).toBe('11 / 10');
    expect(count.classList.contains('over')).toBe(true);
    expect($<HTMLButtonElement>('#send').disabled).toBe(true);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect($('#composer-error').hidden).toBe(false);
    expect($('#composer-error').textContent).toBe('Message is too long: 11 characters (max 10).');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await settle();
    expect(server.calls.filter((c) => c.method === 'SendMessage')).toHaveLength(0);

    type(input, '1234');
    expect($('#composer-error').hidden).toBe(true);
  });

  it('keeps a draft per conversation', async () => {
    const server = new FakeServer();
    const store = await openConversation(server);
    upsertConversation(store, { id: 8, kind: 'group', title: 'Other', members: [{ userId: 1 }, { userId: 2 }], lastSeq: 0 });
    const composer = createComposer($('#conversation-view'), store, { api: noMedia, sent: () => undefined, editLastOwn: () => false, close: () => undefined });
    const input = $<HTMLTextAreaElement>('#composer');
    composer.open(7);
    type(input, 'half written');
    composer.open(8);
    expect(input.value).toBe('');
    composer.open(7);
    expect(input.value).toBe('half written');
  });
});

describe('conversation list', () => {
  it('lists conversations newest first with unread badges, marks the open one, and opens one on click', async () => {
    const server = new FakeServer();
    const store = server.store();
    store.users.set(2, { id: 2, username: 'bob', displayName: 'Bob <b>' });
    upsertConversation(store, { id: 7, kind: 'direct', members: [{ userId: 1 }, { userId: 2 }], lastSeq: 1, unreadCount: 1,
      lastMessage: { conversationId: 7, seq: 1, senderId: 2, text: 'older <i>', createdAt: '2026-01-01T10:00:00Z' } });
    upsertConversation(store, { id: 8, kind: 'group', title: 'Trip', members: [{ userId: 1 }, { userId: 2 }], lastSeq: 3, unreadCount: 0,
      lastMessage: { conversationId: 8, seq: 3, senderId: 1, text: 'newer', createdAt: '2026-01-02T10:00:00Z' } });
    open(store, 8);
    const opened: number[] = [];
    const list = createConversationList($('#conversations'), store, (id) => opened.push(id));

    list.update();

    const items = $$('#conversations .conv-item');
    expect(items.map((i) => i.dataset.conversationId)).toEqual(['8', '7']);
    expect(items[0].querySelector('.conv-name')!.textContent).toBe('# Trip');
    expect(items[0].querySelector('.conv-preview')!.textContent).toBe('You: newer');
    expect(items[0].classList.contains('active')).toBe(true);
    expect(items[0].getAttribute('aria-current')).toBe('true');
    expect(items[1].querySelector('.conv-name')!.textContent).toBe('Bob <b>');
    expect(items[1].querySelector('.conv-preview')!.textContent).toBe('older <i>');
    expect(items[1].querySelector('b, i')).toBeNull();
    expect(items[1].querySelector('.unread')!.textContent).toBe('1');
    expect(items[1].getAttribute('aria-label')).toBe('Bob <b>, 1 unread, offline');

    items[1].click();
    expect(opened).toEqual([7]);
  });

  it('reuses rows when the order changes and shows the empty state without conversations', async () => {
    const server = new FakeServer();
    const store = server.store();
    const list = createConversationList($('#conversations'), store, () => undefined);
    list.update();
    expect($('#conversations .conv-empty')).not.toBeNull();

    upsertConversation(store, { id: 7, kind: 'group', title: 'A', members: [{ userId: 1 }], lastSeq: 0, createdAt: '2026-01-01T00:00:00Z' });
    upsertConversation(store, { id: 8, kind: 'group', title: 'B', members: [{ userId: 1 }], lastSeq: 0, createdAt: '2026-01-02T00:00:00Z' });
    list.update();
    const [first, second] = $$('#conversations .conv-item');
    expect($('#conversations .conv-empty')).toBeNull();
    expect([first.dataset.conversationId, second.dataset.conversationId]).toEqual(['8', '7']);

    store.get(7)!.activity = Date.now() + 1000;
    list.update();
    const after = $$('#conversations .conv-item');
    expect(after).toEqual([second, first]);
  });
});
