// One message row's content: sender, text with safe links (long texts fold), attachments, time, edited, actions.

import { formatFullTime, formatTime, h } from '../dom';
import { linkify } from '../format';
import { icon } from '../icons';
import { mediaElement } from '../media';
import type { Id } from '../model';
import type { ConvState, PendingMessage } from '../state/convState';
import { senderName } from '../state/directory';
import { seenBy } from '../state/reading';
import type { Store } from '../state/store';
import { avatar } from './avatar';

const COLLAPSE_CHARS = 1200;
const COLLAPSE_LINES = 18;

export interface Bubble {
  /** Row key, also the key of its "show more" state. */
  key: string;
  senderId: Id;
  text: string;
  media: Id[];
  createdAt?: string | null;
  editedAt?: string | null;
  deletedAt?: string | null;
}

/** Plain text with http(s) links, built with DOM APIs only (user text is never parsed as HTML). */
export function richText(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const seg of linkify(text)) {
    if (seg.href) frag.appendChild(h('a', { href: seg.href, target: '_blank', rel: 'noopener noreferrer' }, seg.text));
    else frag.appendChild(document.createTextNode(seg.text));
  }
  return frag;
}

function textBlock(key: string, text: string, expanded: Set<string>): HTMLElement[] {
  const textEl = h('div', { class: 'message-text' }, richText(text));
  if (text.length <= COLLAPSE_CHARS && text.split('\n').length <= COLLAPSE_LINES) return [textEl];
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

export interface BubbleContext {
  store: Store;
  /** Row keys whose long text is unfolded. */
  expanded: Set<string>;
  /** An image loaded (the list keeps its scroll position). */
  onMediaSize: () => void;
}

export function fillBubble(ctx: BubbleContext, node: HTMLElement, b: Bubble, own: boolean, continued: boolean, extra: (HTMLElement | null)[]): void {
  const name = senderName(ctx.store, b.senderId);
  const children: HTMLElement[] = [];
  if (b.deletedAt) {
    children.push(h('div', { class: 'message-text deleted-text' }, 'This message was deleted'));
  } else {
    if (b.text) children.push(...textBlock(b.key, b.text, ctx.expanded));
    if (b.media.length) children.push(h('div', { class: 'message-media' }, ...b.media.map((id) => mediaElement(id, ctx.onMediaSize))));
  }
  node.classList.toggle('own', own);
  node.classList.toggle('continued', continued);
  node.classList.toggle('deleted', !!b.deletedAt);
  const lead = own ? null : continued ? h('span', { class: 'avatar-spacer' }) : avatar(name, b.senderId);
  node.replaceChildren();
  if (lead) node.appendChild(lead);
  node.appendChild(
    h('div', { class: 'bubble' },
      continued ? null : h('div', { class: 'message-meta' }, h('span', { class: 'message-sender', 'data-sender-id': String(b.senderId) }, name)),
      ...children,
      h('div', { class: 'message-foot' },
        b.editedAt && !b.deletedAt ? h('span', { class: 'edited' }, 'edited') : null,
        h('time', { class: 'message-time', datetime: b.createdAt ?? '', title: formatFullTime(b.createdAt) }, formatTime(b.createdAt))),
      ...extra),
  );
}

export function messageActions(onEdit: () => void, onDelete: () => void): HTMLElement {
  const edit = h('button', { type: 'button', class: 'edit-message', 'aria-label': 'Edit message', title: 'Edit' }, icon('edit', 15));
  edit.addEventListener('click', onEdit);
  const del = h('button', { type: 'button', class: 'delete-message', 'aria-label': 'Delete message', title: 'Delete' }, icon('trash', 15));
  del.addEventListener('click', onDelete);
  return h('div', { class: 'message-actions' }, edit, del);
}

/** "Sending…", "Waiting for connection…", or "Not sent: why" with Retry / Discard. */
export function pendingStatus(p: PendingMessage, onRetry: () => void, onDiscard: () => void): HTMLElement {
  const box = h('div', { class: 'pending-status' });
  if (p.state === 'failed') {
    const retry = h('button', { type: 'button', class: 'link-btn retry-send' }, 'Retry');
    retry.addEventListener('click', onRetry);
    const discard = h('button', { type: 'button', class: 'link-btn discard-send' }, 'Discard');
    discard.addEventListener('click', onDiscard);
    box.append(h('span', { class: 'failed-text' }, `Not sent${p.error ? `: ${p.error}` : ''}`), retry, discard);
  } else {
    box.textContent = p.state === 'queued' ? 'Waiting for connection…' : 'Sending…';
  }
  return box;
}

/** Read-state label for my latest message. */
export function readLabel(s: Store, cs: ConvState, seq: number): string {
  const n = seenBy(s, cs, seq);
  if (cs.conv.kind === 'direct') return n > 0 ? 'Seen' : 'Sent';
  const others = cs.conv.members.filter((m) => !s.isMe(m.userId)).length;
  if (n === 0) return 'Sent';
  return n >= others && others > 1 ? 'Seen by everyone' : `Seen by ${n}`;
}
