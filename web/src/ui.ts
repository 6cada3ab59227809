// Chat screen: sidebar (me, user search, conversation list) and the open conversation.

import { api, errorText, hubErrorText, type Id, type MediaInfo, type Message, type User } from './api';
import { byId, clear, debounce, formatFullTime, formatTime, h } from './dom';
import { dayKey, dayLabel, lastSeenText, linkify, systemText } from './format';
import type { ConnectionStatus } from './hub';
import { icon } from './icons';
import { discardUpload, isImage, MAX_UPLOAD_BYTES, mediaElement, rememberMedia } from './media';
import { keyOf, MAX_MESSAGE_LENGTH, store, type ConvState, type PendingMessage } from './store';

const COLLAPSE_CHARS = 1200;
const COLLAPSE_LINES = 18;
const GROUP_GAP_MS = 5 * 60_000;
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
  jump: byId<HTMLButtonElement>('jump-newest'),
  typing: byId('typing-indicator'),
  composer: byId<HTMLTextAreaElement>('composer'),
  send: byId<HTMLButtonElement>('send'),
  count: byId('char-count'),
  composerError: byId('composer-error'),
  attach: byId<HTMLButtonElement>('attach'),
  fileInput: byId<HTMLInputElement>('file-input'),
  attachments: byId('attachments'),
  drop: byId('drop-overlay'),
  live: byId('live-region'),
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

export function paintAvatar(target: HTMLElement, name: string, seed: string, status?: string): void {
  target.textContent = initials(name);
  target.style.setProperty('--avatar-hue', String(hue(seed || name)));
  if (status) target.appendChild(presenceDot(status));
}

export function presenceDot(status: string): HTMLSpanElement {
  const s = status === 'online' || status === 'away' ? status : 'offline';
  return h('span', { class: `presence-dot ${s}`, 'data-presence': s, title: s });
}

export function avatar(name: string, seed: string, status?: string): HTMLSpanElement {
  const a = h('span', { class: 'avatar', 'aria-hidden': 'true' });
  paintAvatar(a, name, seed, status);
  return a;
}

export function presenceStatus(userId: Id | null): string | undefined {
  if (userId === null) return undefined;
  return store.presence.get(keyOf(userId))?.status ?? 'offline';
}

export function presenceText(userId: Id | null): string {
  if (userId === null) return '';
  const p = store.presence.get(keyOf(userId));
  if (!p) return '';
  if (p.status === 'online') return 'online';
  if (p.status === 'away') return 'away';
  return lastSeenText(p.lastSeen);
}

/** Plain text with http(s) links, built with DOM APIs only. */
function richText(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const seg of linkify(text)) {
    if (seg.href) frag.appendChild(h('a', { href: seg.href, target: '_blank', rel: 'noopener noreferrer' }, seg.text));
    else frag.appendChild(document.createTextNode(seg.text));
  }
  return frag;
}

function preview(msg: Message): string {
  if (msg.kind === 'system') return systemText(msg, (id) => store.senderName(id));
  if (msg.deletedAt) return 'Message deleted';
  const media = msg.media?.length ?? 0;
  const body = (msg.text || (media ? media === 1 ? 'Attachment' : `${media} attachments` : '')).slice(0, 120).replace(/\s+/g, ' ');
  return store.isMe(msg.senderId) ? `You: ${body}` : body;
}

export function announce(text: string): void {
  // Re-set so identical texts are announced again.
  el.live.textContent = '';
  setTimeout(() => (el.live.textContent = text), 50);
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
  el.banner.hidden = status === 'connected' || status === 'connecting';
  el.banner.dataset.status = status;
}

// ---------- me ----------

export function showMe(me: User): void {
  const name = me.displayName || me.username;
  el.me.textContent = name;
  el.me.title = `@${me.username}`;
  paintAvatar(el.meAvatar, name, String(me.id));
}

// ---------- user search (shared with dialogs) ----------

export function userButton(u: User, attrs: Record<string, string>): HTMLButtonElement {
  const name = u.displayName || u.username;
  return h(
    'button',
    { type: 'button', class: 'user-result', ...attrs },
    avatar(name, String(u.id), presenceStatus(u.id)),
    h('span', { class: 'user-result-text' },
      h('span', { class: 'user-result-name' }, name),
      h('span', { class: 'user-result-username' }, `@${u.username}`)),
  );
}

/** Debounced search into `box`; `render` builds one row per user (others only). */
export function searchInto(box: HTMLElement, render: (u: User) => HTMLElement | null): (q: string) => void {
  let seq = 0;
  const run = debounce(async (query: string, mine: number) => {
    try {
      const users = await api.searchUsers(query);
      if (mine !== seq) return;
      clear(box);
      let n = 0;
      for (const u of users) {
        if (!u.id || store.isMe(u.id)) continue;
        store.rememberUser(u);
        const row = render(u);
        if (row) {
          box.appendChild(row);
          n++;
        }
      }
      if (!n) box.appendChild(h('div', { class: 'results-empty' }, 'No users found'));
      box.hidden = false;
    } catch (err) {
      if (mine !== seq) return;
      box.replaceChildren(h('div', { class: 'results-empty error' }, errorText(err)));
      box.hidden = false;
    }
  }, 200);
  return (q: string) => {
    const mine = ++seq;
    if (!q.trim()) {
      clear(box);
      box.hidden = true;
      return;
    }
    run(q.trim(), mine);
  };
}

const runSearch = searchInto(el.results, (u) => {
  const btn = userButton(u, { 'data-user-id': String(u.id) });
  btn.addEventListener('click', () => void startDirect(u, btn));
  return btn;
});

function hideResults(): void {
  runSearch('');
}

async function startDirect(user: User, btn: HTMLButtonElement): Promise<void> {
  btn.disabled = true;
  try {
    const cs = await store.openDirect(user.id);
    if (!cs) return;
    el.search.value = '';
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
  let text = '';
  if (typing.length) text = typing.length === 1 ? `${cs.conv.kind === 'group' ? `${typing[0]} is ` : ''}typing…` : `${typing.length} people typing…`;
  else if (last) text = preview(last);
  else text = cs.conv.kind === 'group' ? `${cs.conv.members.length} members` : 'No messages yet';
  const unread = cs.unread;

  btn.className = `conv-item${store.openKey === cs.key ? ' active' : ''}${unread > 0 ? ' has-unread' : ''}`;
  btn.dataset.kind = String(cs.conv.kind);
  btn.title = name;
  if (store.openKey === cs.key) btn.setAttribute('aria-current', 'true');
  else btn.removeAttribute('aria-current');
  btn.setAttribute('aria-label', `${name}${unread ? `, ${unread} unread` : ''}${status ? `, ${status}` : ''}`);
  btn.replaceChildren(
    cs.conv.kind === 'group' ? avatar(name, String(cs.conv.id)) : avatar(name, String(other ?? cs.conv.id), status),
    h('span', { class: 'conv-body' },
      h('span', { class: 'conv-top' },
        h('span', { class: 'conv-name' }, cs.conv.kind === 'group' ? `# ${name}` : name),
        h('span', { class: 'conv-time' }, formatTime(last?.createdAt))),
      h('span', { class: 'conv-bottom' },
        h('span', { class: `conv-preview${typing.length ? ' typing' : ''}` }, text),
        unread > 0 ? h('span', { class: 'unread', 'aria-hidden': 'true' }, unread > 999 ? '999+' : String(unread)) : null)),
  );
}

let onListRendered: () => void = () => undefined;
export function afterListRender(fn: () => void): void {
  onListRendered = fn;
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
    el.conversations.appendChild(h('div', { class: 'conv-empty' }, 'No conversations yet. Search for someone above, or create a group.'));
  } else if (list.length) {
    el.conversations.querySelector('.conv-empty')?.remove();
  }
  if (store.openKey && !store.get(store.openKey)) selectConversation(null);
  renderHeader();
  onListRendered();
}

// ---------- open conversation ----------

const drafts = new Map<string, string>();
let renderedKey: string | null = null;
let rows = new Map<string, HTMLElement>();
let sigs = new Map<string, string>();
let historyEl: HTMLElement | null = null;
let stickToBottom = false;
const expanded = new Set<string>();
let editing: { key: string; seq: number } | null = null;
let newBelow = 0;
/** The view follows new content (the user is at the bottom). Updated on user scrolls only. */
let pinned = true;

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
  if (prevKey !== key) clearAttachments();
  store.open(key);
  el.app.classList.toggle('chat-open', key !== null);
  el.empty.hidden = key !== null;
  el.view.hidden = key === null;
  if (key !== null && prevKey !== key) {
    el.composer.value = drafts.get(key) ?? '';
    editing = null;
    newBelow = 0;
    updateComposer();
    hideComposerError();
    renderedKey = null;
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
  paintAvatar(el.convAvatar, name, String(other ?? cs.conv.id), cs.conv.kind === 'direct' ? presenceStatus(other) : undefined);
  let subtitle: string;
  if (cs.conv.kind === 'direct') subtitle = presenceText(other);
  else {
    const online = cs.conv.members.filter((m) => !store.isMe(m.userId) && store.presence.get(keyOf(m.userId))?.status === 'online').length;
    subtitle = `${cs.conv.members.length} members${online ? `, ${online} online` : ''}`;
  }
  el.subtitle.textContent = subtitle;
  const typing = store.typingNames(cs);
  el.typing.textContent = typing.length === 0 ? '' : typing.length === 1 ? `${typing[0]} is typing…` : typing.length === 2 ? `${typing[0]} and ${typing[1]} are typing…` : 'Several people are typing…';
  el.typing.hidden = typing.length === 0;
}

function isNearBottom(): boolean {
  const m = el.messages;
  return m.scrollHeight - m.scrollTop - m.clientHeight < 80;
}

function scrollToBottom(): void {
  el.messages.scrollTop = el.messages.scrollHeight;
  pinned = true;
  newBelow = 0;
  updateJump();
}

function updateJump(): void {
  const show = !!store.openKey && !isNearBottom();
  el.jump.hidden = !show;
  el.jump.textContent = newBelow > 0 ? `↓ ${newBelow} new message${newBelow === 1 ? '' : 's'}` : '↓ Jump to newest';
}

function onMediaSize(): void {
  if (pinned) scrollToBottom();
}

function textBlock(key: string, text: string): (HTMLElement | null)[] {
  const textEl = h('div', { class: 'message-text' }, richText(text));
  const lines = text.split('\n').length;
  if (text.length <= COLLAPSE_CHARS && lines <= COLLAPSE_LINES) return [textEl];
  const isOpen = expanded.has(key);
  textEl.classList.toggle('collapsed', !isOpen);
  const toggle = h('button', { type: 'button', class: 'show-more', 'aria-expanded': String(isOpen) }, isOpen ? 'Show less' : 'Show more');
  toggle.addEventListener('click', () => {
    const open = !expanded.has(key);
    if (open) expanded.add(key);
    else expanded.delete(key);
    textEl.classList.toggle('collapsed', !open);
    toggle.textContent = open ? 'Show less' : 'Show more';
    toggle.setAttribute('aria-expanded', String(open));
  });
  return [textEl, toggle];
}

interface Bubble {
  key: string;
  senderId: Id;
  text: string;
  media: Id[];
  createdAt?: string | null;
  editedAt?: string | null;
  deletedAt?: string | null;
}

function fillBubble(node: HTMLElement, b: Bubble, own: boolean, continued: boolean, extra: (HTMLElement | null)[]): void {
  const name = store.senderName(b.senderId);
  const children: (HTMLElement | null)[] = [];
  if (b.deletedAt) {
    children.push(h('div', { class: 'message-text deleted-text' }, 'This message was deleted'));
  } else {
    if (b.text) children.push(...textBlock(b.key, b.text));
    if (b.media.length) children.push(h('div', { class: 'message-media' }, ...b.media.map((id) => mediaElement(id, onMediaSize))));
  }
  node.classList.toggle('own', own);
  node.classList.toggle('continued', continued);
  node.classList.toggle('deleted', !!b.deletedAt);
  const lead = own ? null : continued ? h('span', { class: 'avatar-spacer' }) : avatar(name, keyOf(b.senderId));
  node.replaceChildren();
  if (lead) node.appendChild(lead);
  node.appendChild(
    h('div', { class: 'bubble' },
      continued ? null : h('div', { class: 'message-meta' }, h('span', { class: 'message-sender', 'data-sender-id': keyOf(b.senderId) }, name)),
      ...children,
      h('div', { class: 'message-foot' },
        b.editedAt && !b.deletedAt ? h('span', { class: 'edited' }, 'edited') : null,
        h('time', { class: 'message-time', datetime: b.createdAt ?? '', title: formatFullTime(b.createdAt) }, formatTime(b.createdAt))),
      ...extra),
  );
}

function actions(cs: ConvState, msg: Message): HTMLElement {
  const edit = h('button', { type: 'button', class: 'edit-message', 'aria-label': 'Edit message', title: 'Edit' }, icon('edit', 15));
  edit.addEventListener('click', () => startEdit(cs, msg.seq));
  const del = h('button', { type: 'button', class: 'delete-message', 'aria-label': 'Delete message', title: 'Delete' }, icon('trash', 15));
  del.addEventListener('click', () => void deleteMessage(cs, msg.seq));
  return h('div', { class: 'message-actions' }, edit, del);
}

function editForm(cs: ConvState, msg: Message): HTMLElement {
  const input = h('textarea', { class: 'edit-input', 'aria-label': 'Edit message', rows: 3 });
  input.value = msg.text;
  const save = h('button', { type: 'button', class: 'btn btn-primary save-edit' }, 'Save');
  const cancel = h('button', { type: 'button', class: 'btn btn-ghost cancel-edit' }, 'Cancel');
  const error = h('div', { class: 'edit-error', role: 'alert' });
  const done = (): void => {
    editing = null;
    sigs.delete(`m:${msg.seq}`);
    renderMessages(cs.key);
    el.composer.focus();
  };
  const submit = async (): Promise<void> => {
    const text = input.value;
    if (text === msg.text) return done();
    save.disabled = true;
    try {
      await store.edit(cs, msg.seq, text);
      done();
    } catch (err) {
      save.disabled = false;
      error.textContent = hubErrorText(err);
    }
  };
  save.addEventListener('click', () => void submit());
  cancel.addEventListener('click', done);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      done();
    } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void submit();
    }
  });
  setTimeout(() => {
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }, 0);
  return h('div', { class: 'edit-form' }, input, h('div', { class: 'edit-buttons' }, cancel, save), error);
}

function startEdit(cs: ConvState, seq: number): void {
  editing = { key: cs.key, seq };
  sigs.delete(`m:${seq}`);
  renderMessages(cs.key);
}

async function deleteMessage(cs: ConvState, seq: number): Promise<void> {
  if (!window.confirm('Delete this message for everyone?')) return;
  try {
    await store.remove(cs, seq);
  } catch (err) {
    showComposerError(`Could not delete: ${hubErrorText(err)}`);
  }
}

function pendingStatus(cs: ConvState, p: PendingMessage): HTMLElement {
  const box = h('div', { class: 'pending-status' });
  if (p.state === 'failed') {
    const retry = h('button', { type: 'button', class: 'link-btn retry-send' }, 'Retry');
    retry.addEventListener('click', () => store.retry(cs, p.clientMessageId));
    const discard = h('button', { type: 'button', class: 'link-btn discard-send' }, 'Discard');
    discard.addEventListener('click', () => store.discard(cs, p.clientMessageId));
    box.append(h('span', { class: 'failed-text' }, `Not sent${p.error ? `: ${p.error}` : ''}`), retry, discard);
  } else {
    box.textContent = p.state === 'queued' ? 'Waiting for connection…' : 'Sending…';
  }
  return box;
}

function renderHistoryStatus(cs: ConvState): void {
  if (!historyEl) return;
  historyEl.className = 'history-status';
  if (cs.loadError && !cs.loaded) {
    historyEl.classList.add('error');
    const retry = h('button', { type: 'button', class: 'link-btn' }, 'Retry');
    retry.addEventListener('click', () => void store.loadInitial(cs).catch(() => undefined));
    historyEl.replaceChildren(h('span', null, cs.loadError), ' ', retry);
    return;
  }
  let text = '';
  if (!cs.loaded) text = 'Loading messages…';
  else if (cs.loadingOlder) text = 'Loading older messages…';
  else if (!cs.hasOlder) text = cs.messages.size ? 'Beginning of the conversation' : 'No messages yet. Say hello!';
  historyEl.textContent = text;
}

/** Read-state label for my latest message. */
function readLabel(cs: ConvState, seq: number): string {
  const n = store.seenBy(cs, seq);
  if (cs.conv.kind === 'direct') return n > 0 ? 'Seen' : 'Sent';
  const others = cs.conv.members.filter((m) => !store.isMe(m.userId)).length;
  if (n === 0) return 'Sent';
  return n >= others && others > 1 ? 'Seen by everyone' : `Seen by ${n}`;
}

export function renderMessages(key: string): void {
  if (key !== store.openKey) return;
  const cs = store.get(key);
  if (!cs) return;
  const box = el.messages;
  if (renderedKey !== key) {
    renderedKey = key;
    clear(box);
    rows = new Map();
    sigs = new Map();
    historyEl = h('div', { class: 'history-status' });
    stickToBottom = true;
  }

  const atBottom = stickToBottom || pinned;
  // Anchor: the first row visible now; it stays put whatever gets added above it.
  let anchor: HTMLElement | null = null;
  let anchorTop = 0;
  if (!atBottom) {
    const top = box.getBoundingClientRect().top;
    for (const [k, node] of rows) {
      if (k.startsWith('d:')) continue; // day separators move when older messages of the same day arrive
      const r = node.getBoundingClientRect();
      if (r.bottom > top && (!anchor || r.top < anchorTop)) {
        anchor = node;
        anchorTop = r.top;
      }
    }
  }

  const desired: HTMLElement[] = [historyEl!];
  const used = new Set<string>();
  const msgs = store.ordered(cs);
  let lastOwnSeq = 0;
  for (const m of msgs) if (store.isMe(m.senderId) && m.kind !== 'system' && !m.deletedAt) lastOwnSeq = m.seq;

  let prevDay = '';
  let prev: Message | null = null;
  let added = 0;
  for (const m of msgs) {
    const day = dayKey(m.createdAt);
    if (day !== prevDay) {
      const dk = `d:${day}`;
      let sep = rows.get(dk);
      if (!sep) {
        sep = h('div', { class: 'day-separator', role: 'separator' }, h('span', null, dayLabel(m.createdAt)));
        rows.set(dk, sep);
      }
      desired.push(sep);
      used.add(dk);
      prevDay = day;
      prev = null;
    }
    const rk = `m:${m.seq}`;
    let node = rows.get(rk);
    if (!node && m.clientMessageId) {
      // Promote the optimistic bubble in place (no flicker, never twice).
      const pk = `p:${m.clientMessageId}`;
      const pnode = rows.get(pk);
      if (pnode && !cs.pending.has(m.clientMessageId)) {
        rows.delete(pk);
        sigs.delete(pk);
        pnode.className = 'message';
        delete pnode.dataset.state;
        delete pnode.dataset.clientMessageId;
        node = pnode;
        rows.set(rk, node);
      }
    }
    if (!node) {
      node = h('div', { class: 'message' });
      rows.set(rk, node);
      if (!store.isMe(m.senderId)) added++;
    }
    node.dataset.seq = String(m.seq);
    used.add(rk);
    const own = store.isMe(m.senderId);
    if (m.kind === 'system') {
      const text = systemText(m, (id) => store.senderName(id));
      const sig = `s|${text}`;
      if (sigs.get(rk) !== sig) {
        node.className = 'message system';
        node.replaceChildren(h('div', { class: 'system-text' }, text, ' · ', h('time', { datetime: m.createdAt ?? '', title: formatFullTime(m.createdAt) }, formatTime(m.createdAt))));
        sigs.set(rk, sig);
      }
      prev = null;
    } else {
      const continued =
        !!prev && prev.senderId === m.senderId &&
        Date.parse(m.createdAt ?? '') - Date.parse(prev.createdAt ?? '') < GROUP_GAP_MS;
      const isEditing = !!editing && editing.key === key && editing.seq === m.seq && !m.deletedAt;
      const label = m.seq === lastOwnSeq ? readLabel(cs, m.seq) : '';
      // While editing, the row is left alone so the text being typed is never replaced.
      const sig = isEditing
        ? 'editing'
        : `${m.version ?? ''}|${m.text.length}|${m.text.slice(0, 40)}|${m.editedAt ?? ''}|${m.deletedAt ?? ''}|${continued}|${label}|${store.senderName(m.senderId)}`;
      if (sigs.get(rk) !== sig) {
        const extra: (HTMLElement | null)[] = [];
        if (label) extra.push(h('div', { class: 'read-state', 'data-seen-count': String(store.seenBy(cs, m.seq)) }, label));
        fillBubble(node, { key: rk, senderId: m.senderId, text: isEditing ? '' : m.text, media: isEditing ? [] : m.media ?? [], createdAt: m.createdAt, editedAt: m.editedAt, deletedAt: m.deletedAt }, own, continued, extra);
        if (isEditing) node.querySelector('.bubble')!.insertBefore(editForm(cs, m), node.querySelector('.message-foot'));
        else if (own && !m.deletedAt) node.appendChild(actions(cs, m));
        node.classList.toggle('editing', isEditing);
        sigs.set(rk, sig);
      }
      prev = m;
    }
    desired.push(node);
  }

  for (const p of cs.pending.values()) {
    const pk = `p:${p.clientMessageId}`;
    let node = rows.get(pk);
    if (!node) {
      node = h('div', { class: 'message own pending', 'data-client-message-id': p.clientMessageId });
      rows.set(pk, node);
    }
    used.add(pk);
    const sig = `${p.state}|${p.error ?? ''}`;
    if (sigs.get(pk) !== sig) {
      fillBubble(node, { key: pk, senderId: store.me!.id, text: p.text, media: p.mediaIds, createdAt: p.createdAt }, true, false, [pendingStatus(cs, p)]);
      node.classList.add('pending');
      node.classList.toggle('failed', p.state === 'failed');
      node.dataset.state = p.state;
      sigs.set(pk, sig);
    }
    desired.push(node);
  }

  for (const [k, node] of rows) {
    if (!used.has(k)) {
      node.remove();
      rows.delete(k);
      sigs.delete(k);
    }
  }

  // Reconcile the DOM order with the desired order (moves only what is out of place).
  let cur: ChildNode | null = box.firstChild;
  for (const node of desired) {
    if (cur === node) cur = cur.nextSibling;
    else box.insertBefore(node, cur);
  }
  while (cur) {
    const next: ChildNode | null = cur.nextSibling;
    cur.remove();
    cur = next;
  }

  renderHistoryStatus(cs);

  if (atBottom) scrollToBottom();
  else {
    if (anchor && anchor.isConnected) box.scrollTop += anchor.getBoundingClientRect().top - anchorTop;
    newBelow += added;
  }
  stickToBottom = false;
  updateJump();

  // Not enough content to scroll: pull older history right away.
  if (cs.loaded && cs.hasOlder && !cs.loadingOlder && box.scrollHeight <= box.clientHeight + 20) {
    void store.loadOlder(cs).catch(() => undefined);
  }
}

// ---------- composer ----------

interface Attachment {
  id: string;
  file: File;
  progress: number;
  state: 'uploading' | 'done' | 'error';
  media?: MediaInfo;
  error?: string;
  abort?: () => void;
  preview?: string;
  node: HTMLElement;
}

let attachments: Attachment[] = [];
let attachSeq = 0;

function renderAttachment(a: Attachment): void {
  const remove = h('button', { type: 'button', class: 'remove-attachment', 'aria-label': `Remove ${a.file.name}` }, '×');
  remove.addEventListener('click', () => {
    removeAttachment(a);
    // Nobody will send it now: delete it rather than leave it for the server's sweep.
    if (a.media) discardUpload(a.media.id);
  });
  a.node.dataset.state = a.state;
  a.node.replaceChildren(
    a.preview ? h('img', { class: 'attachment-thumb', src: a.preview, alt: '' }) : h('span', { class: 'attachment-icon', 'aria-hidden': 'true' }, icon('file', 22)),
    h('span', { class: 'attachment-body' },
      h('span', { class: 'attachment-name' }, a.file.name),
      a.state === 'uploading'
        ? h('progress', { class: 'upload-progress', max: 100, value: Math.round(a.progress * 100), 'aria-label': `Uploading ${a.file.name}` })
        : h('span', { class: `attachment-status${a.state === 'error' ? ' error' : ''}` }, a.state === 'error' ? a.error ?? 'Upload failed' : 'Ready')),
    remove,
  );
}

function removeAttachment(a: Attachment): void {
  a.abort?.();
  if (a.preview) URL.revokeObjectURL(a.preview);
  a.node.remove();
  attachments = attachments.filter((x) => x !== a);
  el.attachments.hidden = attachments.length === 0;
  updateComposer();
}

function clearAttachments(): void {
  for (const a of [...attachments]) removeAttachment(a);
}

export function addFiles(files: Iterable<File>): void {
  const cs = store.get(store.openKey);
  if (!cs) return;
  for (const file of files) {
    if (file.size > MAX_UPLOAD_BYTES) {
      showComposerError(`“${file.name}” is too large (${(file.size / 1048576).toFixed(1)} MB). The limit is 25 MB.`);
      continue;
    }
    const a: Attachment = {
      id: `a${++attachSeq}`,
      file,
      progress: 0,
      state: 'uploading',
      preview: isImage({ contentType: file.type }) ? URL.createObjectURL(file) : undefined,
      node: h('div', { class: 'attachment' }),
    };
    a.node.dataset.uploadId = a.id;
    attachments.push(a);
    el.attachments.appendChild(a.node);
    el.attachments.hidden = false;
    renderAttachment(a);
    const up = api.upload(cs.conv.id, file, (f) => {
      a.progress = f;
      const bar = a.node.querySelector('progress');
      if (bar) bar.value = Math.round(f * 100);
    });
    a.abort = up.abort;
    up.promise
      .then((media) => {
        a.state = 'done';
        a.media = media;
        rememberMedia(media);
      })
      .catch((err: unknown) => {
        a.state = 'error';
        a.error = errorText(err);
        showComposerError(`Could not upload “${file.name}”: ${a.error}`);
      })
      .finally(() => {
        a.abort = undefined;
        if (attachments.includes(a)) renderAttachment(a);
        updateComposer();
      });
  }
  updateComposer();
}

function updateComposer(): void {
  const text = el.composer.value;
  const n = text.length;
  const over = n > MAX_MESSAGE_LENGTH;
  const near = n > MAX_MESSAGE_LENGTH * 0.9;
  el.count.textContent = `${n.toLocaleString('en')} / ${MAX_MESSAGE_LENGTH.toLocaleString('en')}`;
  el.count.classList.toggle('over', over);
  el.count.classList.toggle('near', !over && near);
  el.count.classList.toggle('idle', !near);
  const uploading = attachments.some((a) => a.state === 'uploading');
  const ready = attachments.some((a) => a.state === 'done');
  el.send.disabled = over || uploading || (!text.trim() && !ready) || !store.openKey;
  el.composer.setAttribute('aria-invalid', over ? 'true' : 'false');
  if (over) {
    showComposerError(`Message is too long: ${n.toLocaleString('en')} characters (max ${MAX_MESSAGE_LENGTH.toLocaleString('en')}).`);
    el.composerError.dataset.kind = 'length';
  } else if (el.composerError.dataset.kind === 'length') hideComposerError();
  autoGrow();
}

function autoGrow(): void {
  const c = el.composer;
  c.style.height = 'auto';
  const max = Math.max(120, Math.floor(window.innerHeight * 0.35));
  c.style.height = `${Math.min(c.scrollHeight + 2, max)}px`;
  c.style.overflowY = c.scrollHeight > max ? 'auto' : 'hidden';
}

export function showComposerError(text: string): void {
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
  if (text.length > MAX_MESSAGE_LENGTH) {
    updateComposer();
    return;
  }
  if (attachments.some((a) => a.state === 'uploading')) return;
  const mediaIds = attachments.filter((a) => a.state === 'done' && a.media).map((a) => a.media!.id);
  if (!text.trim() && !mediaIds.length) return;
  const error = store.send(cs, text.trim() ? text : '', mediaIds);
  if (error) {
    showComposerError(error);
    return;
  }
  hideComposerError();
  clearAttachments();
  el.composer.value = '';
  drafts.delete(cs.key);
  stickToBottom = true;
  updateComposer();
  el.composer.focus();
}

function editLastOwn(): boolean {
  const cs = store.get(store.openKey);
  if (!cs) return false;
  const msgs = store.ordered(cs);
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i];
    if (store.isMe(m.senderId) && m.kind !== 'system' && !m.deletedAt) {
      startEdit(cs, m.seq);
      return true;
    }
  }
  return false;
}

// ---------- wiring ----------

let wired = false;

export function initChatUi(): void {
  if (wired) return;
  wired = true;

  store.onConversations(() => renderConversations());
  store.onMessages((key) => renderMessages(key));

  el.search.addEventListener('input', () => runSearch(el.search.value));
  el.search.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      el.search.value = '';
      hideResults();
    } else if (e.key === 'Enter' || e.key === 'ArrowDown') {
      const first = el.results.querySelector<HTMLButtonElement>('button[data-user-id]');
      if (first) {
        e.preventDefault();
        if (e.key === 'Enter') first.click();
        else first.focus();
      }
    }
  });
  el.results.addEventListener('keydown', (e) => {
    const buttons = [...el.results.querySelectorAll<HTMLButtonElement>('button')];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'ArrowDown' && i >= 0) buttons[Math.min(i + 1, buttons.length - 1)].focus();
    else if (e.key === 'ArrowUp') (i <= 0 ? el.search : buttons[i - 1]).focus();
    else if (e.key === 'Escape') el.search.focus();
    else return;
    e.preventDefault();
  });
  // Arrow keys move through the conversation list.
  el.conversations.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const items = [...el.conversations.querySelectorAll<HTMLButtonElement>('.conv-item')];
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    const next = items[e.key === 'ArrowDown' ? i + 1 : i - 1];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  });

  el.composer.addEventListener('input', () => {
    updateComposer();
    const cs = store.get(store.openKey);
    if (cs && el.composer.value) store.typing(cs);
  });
  el.composer.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      sendCurrent();
    } else if (e.key === 'ArrowUp' && !el.composer.value && editLastOwn()) {
      e.preventDefault();
    } else if (e.key === 'Escape' && window.matchMedia('(max-width: 760px)').matches) {
      selectConversation(null);
    }
  });
  el.composer.addEventListener('paste', (e) => {
    const files = [...(e.clipboardData?.files ?? [])];
    if (files.length) {
      e.preventDefault();
      addFiles(files);
    }
  });
  el.send.addEventListener('click', sendCurrent);
  el.attach.addEventListener('click', () => el.fileInput.click());
  el.fileInput.addEventListener('change', () => {
    addFiles([...(el.fileInput.files ?? [])]);
    el.fileInput.value = '';
  });

  // Drag and drop anywhere on the conversation.
  let dragDepth = 0;
  const hasFiles = (e: DragEvent): boolean => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
  el.view.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragDepth++;
    el.drop.hidden = false;
  });
  el.view.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer!.dropEffect = 'copy';
  });
  el.view.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) el.drop.hidden = true;
  });
  el.view.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragDepth = 0;
    el.drop.hidden = true;
    addFiles([...(e.dataTransfer?.files ?? [])]);
  });

  el.messages.addEventListener('scroll', () => {
    pinned = isNearBottom();
    if (pinned) newBelow = 0;
    updateJump();
    if (el.messages.scrollTop > 200) return;
    const cs = store.get(store.openKey);
    if (cs && cs.loaded && cs.hasOlder && !cs.loadingOlder) void store.loadOlder(cs).catch(() => undefined);
  }, { passive: true });
  el.jump.addEventListener('click', () => {
    scrollToBottom();
    el.composer.focus();
  });

  el.back.addEventListener('click', () => selectConversation(null));
  window.addEventListener('resize', debounce(autoGrow, 100));
  setInterval(() => {
    if (store.me) renderConversations();
  }, 30_000);
}

export function resetChatUi(): void {
  el.search.value = '';
  hideResults();
  clear(el.conversations);
  convEls.clear();
  clear(el.messages);
  renderedKey = null;
  rows = new Map();
  sigs = new Map();
  historyEl = null;
  drafts.clear();
  expanded.clear();
  editing = null;
  clearAttachments();
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
