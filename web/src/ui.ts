// Chat screen: sidebar (me, user search, conversation list) and the open conversation.

import { api, errorText, type Id, type Message, type User } from './api';
import { byId, clear, debounce, formatFullTime, formatTime, h } from './dom';
import type { ConnectionStatus } from './hub';
import { keyOf, MAX_MESSAGE_LENGTH, store, type ConvState, type PendingMessage } from './store';

const COLLAPSE_OVER = 4000;
const OPEN_KEY = 'chat.openConversation';

const el = {
  app: byId('app'),
  banner: byId('connection-banner'),
  me: byId('me'),
  meAvatar: byId('me-avatar'),
  search: byId<HTMLInputElement>('user-search'),
  results: byId('user-results'),
  conversations: byId('conversations'),
  empty: byId('empty-state'),
  view: byId('conversation-view'),
  back: byId<HTMLButtonElement>('back'),
  title: byId('conversation-title'),
  subtitle: byId('conversation-subtitle'),
  convAvatar: byId('conversation-avatar'),
  messages: byId('messages'),
  composer: byId<HTMLTextAreaElement>('composer'),
  send: byId<HTMLButtonElement>('send'),
  count: byId('char-count'),
  composerError: byId('composer-error'),
};

// ---------- small helpers ----------

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return '?';
  const chars = parts.length === 1 ? [...parts[0]].slice(0, 2) : [[...parts[0]][0], [...parts[parts.length - 1]][0]];
  return chars.join('').toUpperCase();
}

function hue(seed: string): number {
  let x = 0;
  for (let i = 0; i < seed.length; i++) x = (x * 31 + seed.charCodeAt(i)) >>> 0;
  return x % 360;
}

function paintAvatar(target: HTMLElement, name: string, seed: string, status?: string): void {
  target.textContent = initials(name);
  target.style.setProperty('--avatar-hue', String(hue(seed || name)));
  if (status) target.appendChild(h('span', { class: `presence-dot ${status === 'online' ? 'online' : 'offline'}` }));
}

function avatar(name: string, seed: string, status?: string): HTMLSpanElement {
  const a = h('span', { class: 'avatar', 'aria-hidden': 'true' });
  paintAvatar(a, name, seed, status);
  return a;
}

function presenceStatus(userId: Id | null): string | undefined {
  return userId === null ? undefined : store.presence.get(keyOf(userId))?.status;
}

function presenceText(userId: Id | null): string {
  if (userId === null) return '';
  const p = store.presence.get(keyOf(userId));
  if (!p) return '';
  if (p.status === 'online') return 'online';
  if (p.lastSeen) return `last seen ${formatTime(p.lastSeen)}`;
  return p.status;
}

function mediaCount(media: unknown): number {
  return Array.isArray(media) ? media.length : 0;
}

// ---------- connection banner ----------

export function showConnection(status: ConnectionStatus): void {
  const text: Record<ConnectionStatus, string> = {
    connected: '',
    connecting: 'Connecting…',
    reconnecting: 'Connection lost. Reconnecting…',
    disconnected: 'Disconnected. Trying to reconnect…',
  };
  el.banner.textContent = text[status];
  el.banner.hidden = status === 'connected';
  el.banner.dataset.status = status;
}

// ---------- me ----------

export function showMe(me: User): void {
  const name = me.displayName || me.username;
  el.me.textContent = name;
  el.me.title = `@${me.username}`;
  paintAvatar(el.meAvatar, name, String(me.id));
}

// ---------- user search ----------

let searchSeq = 0;

function hideResults(): void {
  clear(el.results);
  el.results.hidden = true;
}

const runSearch = debounce(async (query: string) => {
  const mine = ++searchSeq;
  if (!query) {
    hideResults();
    return;
  }
  try {
    const users = await api.searchUsers(query);
    if (mine !== searchSeq) return;
    clear(el.results);
    const others = users.filter((u) => u && u.id && !store.isMe(u.id));
    for (const u of others) {
      store.rememberUser(u);
      const name = u.displayName || u.username;
      const btn = h(
        'button',
        { type: 'button', class: 'user-result', 'data-user-id': String(u.id) },
        avatar(name, String(u.id)),
        h('span', { class: 'user-result-text' },
          h('span', { class: 'user-result-name' }, name),
          h('span', { class: 'user-result-username' }, `@${u.username}`)),
      );
      btn.addEventListener('click', () => void startDirect(u, btn));
      el.results.appendChild(btn);
    }
    if (!others.length) el.results.appendChild(h('div', { class: 'results-empty' }, 'No users found'));
    el.results.hidden = false;
  } catch (err) {
    if (mine !== searchSeq) return;
    clear(el.results);
    el.results.appendChild(h('div', { class: 'results-empty error' }, errorText(err)));
    el.results.hidden = false;
  }
}, 200);

async function startDirect(user: User, btn: HTMLButtonElement): Promise<void> {
  btn.disabled = true;
  try {
    const cs = await store.openDirect(user.id);
    if (!cs) return;
    el.search.value = '';
    searchSeq++;
    hideResults();
    selectConversation(cs.key);
  } catch (err) {
    btn.disabled = false;
    el.results.appendChild(h('div', { class: 'results-empty error' }, errorText(err)));
  }
}

// ---------- conversation list ----------

const convEls = new Map<string, HTMLButtonElement>();

function renderConversationItem(btn: HTMLButtonElement, cs: ConvState): void {
  const name = store.title(cs);
  const other = cs.conv.kind === 'direct' ? store.otherMember(cs) : null;
  const status = presenceStatus(other);
  const last = cs.conv.lastMessage;
  const typing = store.typingNames(cs);
  let preview = '';
  if (typing.length) preview = typing.length === 1 ? 'typing…' : `${typing.length} people typing…`;
  else if (last) {
    const mine = store.isMe(last.senderId);
    const body = (last.text || (mediaCount(last.media) ? '📎 Attachment' : '')).slice(0, 120).replace(/\s+/g, ' ');
    preview = mine ? `You: ${body}` : body;
  } else preview = 'No messages yet';
  const unread = store.openKey === cs.key ? 0 : cs.unread;

  btn.className = `conv-item${store.openKey === cs.key ? ' active' : ''}${unread > 0 ? ' has-unread' : ''}`;
  btn.title = name;
  btn.replaceChildren(
    avatar(name, String(other ?? cs.conv.id), status),
    h('span', { class: 'conv-body' },
      h('span', { class: 'conv-top' },
        h('span', { class: 'conv-name' }, name),
        h('span', { class: 'conv-time' }, formatTime(last?.createdAt))),
      h('span', { class: 'conv-bottom' },
        h('span', { class: `conv-preview${typing.length ? ' typing' : ''}` }, preview),
        unread > 0 ? h('span', { class: 'unread', 'aria-label': `${unread} unread` }, unread > 999 ? '999+' : String(unread)) : null)),
  );
}

export function renderConversations(): void {
  const list = store.sortedConversations();
  const seen = new Set<string>();
  let prev: Element | null = null;
  for (const cs of list) {
    seen.add(cs.key);
    let btn = convEls.get(cs.key);
    if (!btn) {
      btn = h('button', { type: 'button', class: 'conv-item', 'data-conversation-id': cs.key });
      const key = cs.key;
      btn.addEventListener('click', () => selectConversation(key));
      convEls.set(cs.key, btn);
    }
    renderConversationItem(btn, cs);
    const expectedNext: Element | null = prev ? prev.nextElementSibling : el.conversations.firstElementChild;
    if (expectedNext !== btn) el.conversations.insertBefore(btn, expectedNext);
    prev = btn;
  }
  for (const [key, btn] of convEls) {
    if (!seen.has(key)) {
      btn.remove();
      convEls.delete(key);
    }
  }
  if (!list.length && !el.conversations.querySelector('.conv-empty')) {
    el.conversations.appendChild(h('div', { class: 'conv-empty' }, 'No conversations yet. Search for someone above.'));
  } else if (list.length) {
    el.conversations.querySelector('.conv-empty')?.remove();
  }
  renderHeader();
}

// ---------- open conversation ----------

const drafts = new Map<string, string>();
let renderedKey: string | null = null;
let rendered = new Map<number, HTMLElement>();
let order: number[] = [];
let pendingEls = new Map<string, HTMLElement>();
let historyEl: HTMLElement | null = null;
let stickToBottom = false;

export function selectConversation(key: string | null): void {
  const prevKey = store.openKey;
  if (prevKey && prevKey !== key) drafts.set(prevKey, el.composer.value);
  const cs = store.get(key);
  if (!cs) key = null;
  try {
    if (key) sessionStorage.setItem(OPEN_KEY, key);
    else sessionStorage.removeItem(OPEN_KEY);
  } catch {
    /* ignore */
  }
  store.open(key);
  el.app.classList.toggle('chat-open', key !== null);
  el.empty.hidden = key !== null;
  el.view.hidden = key === null;
  if (key !== null && prevKey !== key) {
    el.composer.value = drafts.get(key) ?? '';
    updateComposer();
    hideComposerError();
    renderedKey = null; // force full re-render
    renderMessages(key);
    if (window.matchMedia('(pointer: fine)').matches) el.composer.focus();
  }
  renderConversations();
}

export function restoreOpenConversation(): void {
  if (store.openKey) return;
  let key: string | null = null;
  try {
    key = sessionStorage.getItem(OPEN_KEY);
  } catch {
    key = null;
  }
  if (key && store.get(key)) selectConversation(key);
}

function renderHeader(): void {
  const cs = store.get(store.openKey);
  if (!cs) return;
  const name = store.title(cs);
  el.title.textContent = name;
  const other = cs.conv.kind === 'direct' ? store.otherMember(cs) : null;
  const status = presenceStatus(other);
  paintAvatar(el.convAvatar, name, String(other ?? cs.conv.id), status);
  const typing = store.typingNames(cs);
  let subtitle: string;
  if (typing.length) subtitle = typing.length === 1 ? `${typing[0]} is typing…` : `${typing.join(', ')} are typing…`;
  else if (cs.conv.kind === 'direct') subtitle = presenceText(other);
  else subtitle = `${cs.conv.members.length} members`;
  el.subtitle.textContent = subtitle;
  el.subtitle.classList.toggle('typing', typing.length > 0);
}

function isNearBottom(): boolean {
  const m = el.messages;
  return m.scrollHeight - m.scrollTop - m.clientHeight < 80;
}

function scrollToBottom(): void {
  el.messages.scrollTop = el.messages.scrollHeight;
}

function fillMessage(node: HTMLElement, msg: { senderId: Id; text: string; createdAt?: string | null; media?: unknown }, own: boolean): void {
  const name = own ? 'You' : store.senderName(msg.senderId);
  const text = msg.text ?? '';
  const textEl = h('div', { class: 'message-text' }, text);
  const long = text.length > COLLAPSE_OVER;
  let toggle: HTMLButtonElement | null = null;
  if (long) {
    textEl.classList.add('collapsed');
    toggle = h('button', { type: 'button', class: 'show-more' }, `Show more (${text.length.toLocaleString()} characters)`);
    const t = toggle;
    t.addEventListener('click', () => {
      const collapsed = textEl.classList.toggle('collapsed');
      t.textContent = collapsed ? `Show more (${text.length.toLocaleString()} characters)` : 'Show less';
    });
  }
  const media = mediaCount(msg.media);
  node.replaceChildren(
    h('div', { class: 'bubble' },
      h('div', { class: 'message-meta' },
        h('span', { class: 'message-sender', 'data-sender-id': keyOf(msg.senderId) }, name),
        h('time', { class: 'message-time', datetime: msg.createdAt ?? '', title: formatFullTime(msg.createdAt) }, formatTime(msg.createdAt))),
      textEl,
      toggle,
      media ? h('div', { class: 'message-media' }, `📎 ${media} attachment${media === 1 ? '' : 's'}`) : null),
  );
  node.classList.toggle('own', own);
}

function messageEl(msg: Message): HTMLElement {
  const own = store.isMe(msg.senderId);
  const node = h('div', { class: 'message', 'data-seq': String(msg.seq) });
  fillMessage(node, msg, own);
  return node;
}

function pendingStatus(cs: ConvState, p: PendingMessage): HTMLElement {
  const box = h('div', { class: 'pending-status' });
  if (p.state === 'failed') {
    const retry = h('button', { type: 'button', class: 'link-btn' }, 'Retry');
    retry.addEventListener('click', () => store.retry(cs, p.clientMessageId));
    const discard = h('button', { type: 'button', class: 'link-btn' }, 'Discard');
    discard.addEventListener('click', () => store.discard(cs, p.clientMessageId));
    box.append(h('span', { class: 'failed-text' }, `Not sent${p.error ? `: ${p.error}` : ''}`), retry, discard);
  } else {
    box.textContent = p.state === 'queued' ? 'Waiting for connection…' : 'Sending…';
  }
  return box;
}

function renderPending(cs: ConvState, p: PendingMessage, node: HTMLElement): void {
  const me = store.me!;
  fillMessage(node, { senderId: me.id, text: p.text, createdAt: p.createdAt }, true);
  node.classList.add('pending');
  node.classList.toggle('failed', p.state === 'failed');
  node.querySelector('.bubble')?.appendChild(pendingStatus(cs, p));
  node.dataset.state = p.state;
}

function insertBySeq(node: HTMLElement, seq: number): void {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (order[mid] < seq) lo = mid + 1;
    else hi = mid;
  }
  const nextSeq = order[lo];
  const before = nextSeq !== undefined ? rendered.get(nextSeq) ?? null : el.messages.querySelector(':scope > .message.pending');
  el.messages.insertBefore(node, before);
  order.splice(lo, 0, seq);
  rendered.set(seq, node);
}

function renderHistoryStatus(cs: ConvState): void {
  if (!historyEl) return;
  historyEl.className = 'history-status';
  let text = '';
  if (cs.loadError && !cs.loaded) {
    historyEl.classList.add('error');
    historyEl.replaceChildren(h('span', null, cs.loadError), ' ');
    const retry = h('button', { type: 'button', class: 'link-btn' }, 'Retry');
    retry.addEventListener('click', () => void store.loadInitial(cs).catch(() => undefined));
    historyEl.appendChild(retry);
    return;
  }
  if (!cs.loaded) text = 'Loading messages…';
  else if (cs.loadingOlder) text = 'Loading older messages…';
  else if (!cs.hasOlder) text = cs.messages.size ? 'Beginning of the conversation' : 'No messages yet. Say hello!';
  historyEl.textContent = text;
}

export function renderMessages(key: string): void {
  if (key !== store.openKey) return;
  const cs = store.get(key);
  if (!cs) return;
  const box = el.messages;
  let full = false;
  if (renderedKey !== key) {
    full = true;
    renderedKey = key;
    clear(box);
    rendered = new Map();
    order = [];
    pendingEls = new Map();
    cs.confirmed.clear();
    historyEl = h('div', { class: 'history-status' });
    box.appendChild(historyEl);
  }

  const atBottom = full || stickToBottom || isNearBottom();
  const prevHeight = box.scrollHeight;
  const prevTop = box.scrollTop;
  const prevMin = order.length ? order[0] : Infinity;
  const newSeqs = [...cs.messages.keys()].filter((s) => !rendered.has(s)).sort((a, b) => a - b);
  const prepended = newSeqs.length > 0 && order.length > 0 && newSeqs[newSeqs.length - 1] < prevMin;

  for (const seq of newSeqs) {
    const msg = cs.messages.get(seq)!;
    const cmid = cs.confirmed.get(seq) ?? msg.clientMessageId ?? undefined;
    let node = cmid ? pendingEls.get(cmid) : undefined;
    if (node && cmid && !cs.pending.has(cmid)) {
      // Promote the optimistic bubble in place (no flicker, never twice).
      pendingEls.delete(cmid);
      cs.confirmed.delete(seq);
      node.classList.remove('pending', 'failed');
      delete node.dataset.state;
      node.dataset.seq = String(seq);
      fillMessage(node, msg, true);
    } else {
      node = messageEl(msg);
    }
    insertBySeq(node, seq);
  }

  // Pending bubbles: drop resolved ones, add / refresh the rest (always at the end).
  for (const [cmid, node] of pendingEls) {
    if (!cs.pending.has(cmid)) {
      node.remove();
      pendingEls.delete(cmid);
    }
  }
  for (const p of cs.pending.values()) {
    let node = pendingEls.get(p.clientMessageId);
    if (!node) {
      node = h('div', { class: 'message own pending', 'data-client-message-id': p.clientMessageId });
      pendingEls.set(p.clientMessageId, node);
      box.appendChild(node);
    }
    if (node.dataset.state !== p.state || p.state === 'failed') renderPending(cs, p, node);
  }

  // Names may have been resolved since a message was drawn (the lookup re-notifies this view).
  for (const sender of box.querySelectorAll<HTMLElement>('.message-sender[data-sender-id]')) {
    const name = store.senderName(sender.dataset.senderId);
    if (sender.textContent !== name) sender.textContent = name;
  }

  renderHistoryStatus(cs);

  if (atBottom && !prepended) scrollToBottom();
  else if (prepended) box.scrollTop = prevTop + (box.scrollHeight - prevHeight);
  stickToBottom = false;

  // Not enough content to scroll: pull older history right away.
  if (cs.loaded && cs.hasOlder && !cs.loadingOlder && box.scrollHeight <= box.clientHeight + 20) {
    void store.loadOlder(cs).catch(() => undefined);
  }
}

// ---------- composer ----------

function updateComposer(): void {
  const text = el.composer.value;
  const n = text.length;
  el.count.textContent = `${n} / ${MAX_MESSAGE_LENGTH}`;
  const over = n > MAX_MESSAGE_LENGTH;
  el.count.classList.toggle('over', over);
  el.count.classList.toggle('near', !over && n > MAX_MESSAGE_LENGTH * 0.9);
  el.send.disabled = over || !text.trim() || !store.openKey;
  el.composer.setAttribute('aria-invalid', over ? 'true' : 'false');
  if (over) showComposerError(`Message is too long: ${n} characters (max ${MAX_MESSAGE_LENGTH}).`);
  else if (el.composerError.dataset.kind === 'length') hideComposerError();
  if (over) el.composerError.dataset.kind = 'length';
  autoGrow();
}

function autoGrow(): void {
  const c = el.composer;
  c.style.height = 'auto';
  const max = Math.max(120, Math.floor(window.innerHeight * 0.35));
  c.style.height = `${Math.min(c.scrollHeight, max)}px`;
  c.style.overflowY = c.scrollHeight > max ? 'auto' : 'hidden';
}

function showComposerError(text: string): void {
  el.composerError.textContent = text;
  el.composerError.hidden = false;
  delete el.composerError.dataset.kind;
}

function hideComposerError(): void {
  el.composerError.hidden = true;
  el.composerError.textContent = '';
  delete el.composerError.dataset.kind;
}

function sendCurrent(): void {
  const cs = store.get(store.openKey);
  if (!cs) return;
  const text = el.composer.value;
  if (!text.trim()) return;
  if (text.length > MAX_MESSAGE_LENGTH) {
    updateComposer();
    return;
  }
  const error = store.send(cs, text);
  if (error) {
    showComposerError(error);
    return;
  }
  hideComposerError();
  el.composer.value = '';
  drafts.delete(cs.key);
  stickToBottom = true;
  updateComposer();
  el.composer.focus();
}

// ---------- wiring ----------

let wired = false;

export function initChatUi(): void {
  if (wired) return;
  wired = true;

  store.onConversations(() => renderConversations());
  store.onMessages((key) => renderMessages(key));

  el.search.addEventListener('input', () => void runSearch(el.search.value.trim()));
  el.search.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      el.search.value = '';
      searchSeq++;
      hideResults();
    } else if (e.key === 'Enter') {
      const first = el.results.querySelector<HTMLButtonElement>('button[data-user-id]');
      if (first) {
        e.preventDefault();
        first.click();
      }
    }
  });

  el.composer.addEventListener('input', updateComposer);
  el.composer.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      sendCurrent();
    }
  });
  el.send.addEventListener('click', sendCurrent);

  el.messages.addEventListener('scroll', () => {
    if (el.messages.scrollTop > 150) return;
    const cs = store.get(store.openKey);
    if (cs && cs.loaded && cs.hasOlder && !cs.loadingOlder) void store.loadOlder(cs).catch(() => undefined);
  }, { passive: true });

  el.back.addEventListener('click', () => selectConversation(null));
  window.addEventListener('resize', debounce(autoGrow, 100));
  // Refresh relative times / typing indicators now and then.
  setInterval(() => {
    if (store.me) renderConversations();
  }, 30_000);
}

export function resetChatUi(): void {
  el.search.value = '';
  searchSeq++;
  hideResults();
  clear(el.conversations);
  convEls.clear();
  clear(el.messages);
  renderedKey = null;
  rendered = new Map();
  order = [];
  pendingEls = new Map();
  historyEl = null;
  drafts.clear();
  el.composer.value = '';
  updateComposer();
  hideComposerError();
  el.app.classList.remove('chat-open');
  el.empty.hidden = false;
  el.view.hidden = true;
  el.me.textContent = '';
}

export function forgetOpenConversation(): void {
  try {
    sessionStorage.removeItem(OPEN_KEY);
  } catch {
    /* ignore */
  }
}
