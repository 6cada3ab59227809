// The open conversation's messages: day separators, sender grouping, system notices, pending bubbles that turn into
// the confirmed message in place, a keyed diff (rows reused, moved only when out of order), scroll anchoring while
// older pages arrive, "jump to newest", and paging back when scrolled near the top.

import { clear, formatFullTime, formatTime, h, listen, part, type View } from '../dom';
import { hubErrorText } from '../errors';
import { dayKey, dayLabel, systemText } from '../format';
import type { Id, Message } from '../model';
import { ordered, type ConvState } from '../state/convState';
import { senderName } from '../state/directory';
import { discard, remove, retry } from '../state/outbox';
import { seenBy } from '../state/reading';
import type { Store } from '../state/store';
import { loadInitial, loadOlder } from '../state/timeline';
import { editForm } from './editForm';
import { fillBubble, messageActions, pendingStatus, readLabel, type BubbleContext } from './messageBubble';
import { historyStatus } from './historyStatus';
import { firstVisibleRow } from './scrollAnchor';

const GROUP_GAP_MS = 5 * 60_000;

export interface MessageListOptions {
  focusComposer(): void;
  showError(text: string): void;
  confirm(text: string): boolean;
}

export interface MessageList extends View {
  /** Follow the bottom on the next render (after I send). */
  stickToBottom(): void;
  /** Forget every row (sign-out). */
  reset(): void;
  /** Arrow-up in an empty composer: edit my latest message; false when there is none. */
  editLastOwn(): boolean;
}

/** `root` holds #messages and #jump-newest. */
export function createMessageList(root: HTMLElement, s: Store, opts: MessageListOptions): MessageList {
  const box = part(root, 'messages');
  const jump = part<HTMLButtonElement>(root, 'jump-newest');
  let renderedId: Id | null = null;
  let rows = new Map<string, HTMLElement>();
  let sigs = new Map<string, string>();
  let historyEl = h('div', { class: 'history-status' });
  let stick = false;
  let editing: { id: Id; seq: number } | null = null;
  let newBelow = 0;
  /** The view follows new content (the user is at the bottom). Updated on user scrolls only. */
  let pinned = true;
  const ctx: BubbleContext = { store: s, expanded: new Set(), onMediaSize: () => pinned && scrollToBottom() };

  const isNearBottom = (): boolean => box.scrollHeight - box.scrollTop - box.clientHeight < 80;

  function scrollToBottom(): void {
    box.scrollTop = box.scrollHeight;
    pinned = true;
    newBelow = 0;
    updateJump();
  }

  function updateJump(): void {
    jump.hidden = s.openId === null || isNearBottom();
    jump.textContent = newBelow > 0 ? `↓ ${newBelow} new message${newBelow === 1 ? '' : 's'}` : '↓ Jump to newest';
  }

  function startEdit(cs: ConvState, seq: number): void {
    editing = { id: cs.id, seq };
    sigs.delete(`m:${seq}`);
    update();
  }

  function endEdit(seq: number): void {
    editing = null;
    sigs.delete(`m:${seq}`);
    update();
    opts.focusComposer();
  }

  async function deleteMessage(cs: ConvState, seq: number): Promise<void> {
    if (!opts.confirm('Delete this message for everyone?')) return;
    try {
      await remove(s, cs, seq);
    } catch (err) {
      opts.showError(`Could not delete: ${hubErrorText(err)}`);
    }
  }

  function messageRow(cs: ConvState, m: Message, prev: Message | null, lastOwnSeq: number): { node: HTMLElement; isNew: boolean } {
    const rk = `m:${m.seq}`;
    let node = rows.get(rk);
    let isNew = false;
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
      }
    }
    if (!node) {
      node = h('div', { class: 'message' });
      isNew = true;
    }
    rows.set(rk, node);
    node.dataset.seq = String(m.seq);
    if (m.kind === 'system') {
      const text = systemText(m, (id) => senderName(s, id));
      if (sigs.get(rk) !== `s|${text}`) {
        node.className = 'message system';
        node.replaceChildren(h('div', { class: 'system-text' }, text, ' · ', h('time', { datetime: m.createdAt ?? '', title: formatFullTime(m.createdAt) }, formatTime(m.createdAt))));
        sigs.set(rk, `s|${text}`);
      }
      return { node, isNew };
    }
    const own = s.isMe(m.senderId);
    const continued = !!prev && prev.senderId === m.senderId && Date.parse(m.createdAt ?? '') - Date.parse(prev.createdAt ?? '') < GROUP_GAP_MS;
    const isEditing = !!editing && editing.id === cs.id && editing.seq === m.seq && !m.deletedAt;
    const label = m.seq === lastOwnSeq ? readLabel(s, cs, m.seq) : '';
    // While editing, the row is left alone so the text being typed is never replaced.
    const sig = isEditing
      ? 'editing'
      : `${m.version ?? ''}|${m.text.length}|${m.text.slice(0, 40)}|${m.editedAt ?? ''}|${m.deletedAt ?? ''}|${continued}|${label}|${senderName(s, m.senderId)}`;
    if (sigs.get(rk) !== sig) {
      const extra = label ? [h('div', { class: 'read-state', 'data-seen-count': String(seenBy(s, cs, m.seq)) }, label)] : [];
      const b = { key: `${cs.id}:${rk}`, senderId: m.senderId, text: isEditing ? '' : m.text, media: isEditing ? [] : m.media ?? [], createdAt: m.createdAt, editedAt: m.editedAt, deletedAt: m.deletedAt };
      fillBubble(ctx, node, b, own, continued, extra);
      if (isEditing) node.querySelector('.bubble')!.insertBefore(editForm(s, cs, m, () => endEdit(m.seq)), node.querySelector('.message-foot'));
      else if (own && !m.deletedAt) node.appendChild(messageActions(() => startEdit(cs, m.seq), () => void deleteMessage(cs, m.seq)));
      node.classList.toggle('editing', isEditing);
      sigs.set(rk, sig);
    }
    return { node, isNew };
  }

  function update(): void {
    const cs = s.get(s.openId);
    if (!cs) return;
    if (renderedId !== cs.id) {
      renderedId = cs.id;
      clear(box);
      rows = new Map();
      sigs = new Map();
      historyEl = h('div', { class: 'history-status' });
      editing = null;
      newBelow = 0;
      stick = true;
    }
    const atBottom = stick || pinned;
    const anchor = atBottom ? null : firstVisibleRow(box, rows);

    const desired: HTMLElement[] = [historyEl];
    const used = new Set<string>();
    const msgs = ordered(cs);
    let lastOwnSeq = 0;
    for (const m of msgs) if (s.isMe(m.senderId) && m.kind !== 'system' && !m.deletedAt) lastOwnSeq = m.seq;

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
      const { node, isNew } = messageRow(cs, m, prev, lastOwnSeq);
      if (isNew && !s.isMe(m.senderId)) added++;
      used.add(`m:${m.seq}`);
      prev = m.kind === 'system' ? null : m;
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
        const status = pendingStatus(p, () => retry(s, cs, p.clientMessageId), () => discard(s, cs, p.clientMessageId));
        fillBubble(ctx, node, { key: `${cs.id}:${pk}`, senderId: s.me!.id, text: p.text, media: p.mediaIds, createdAt: p.createdAt }, true, false, [status]);
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

    historyStatus(historyEl, cs, () => void loadInitial(s, cs).catch(() => undefined));

    if (atBottom) scrollToBottom();
    else {
      if (anchor && anchor.node.isConnected) box.scrollTop += anchor.node.getBoundingClientRect().top - anchor.top;
      newBelow += added;
    }
    stick = false;
    updateJump();

    // Not enough content to scroll: pull older history right away.
    if (cs.loaded && cs.hasOlder && !cs.loadingOlder && box.scrollHeight <= box.clientHeight + 20) {
      void loadOlder(s, cs).catch(() => undefined);
    }
  }

  function reset(): void {
    clear(box);
    rows = new Map();
    sigs = new Map();
    renderedId = null;
    editing = null;
    ctx.expanded.clear();
  }

  const offs = [
    s.onMessages((id) => {
      if (id === s.openId) update();
    }),
    listen(box, 'scroll', () => {
      pinned = isNearBottom();
      if (pinned) newBelow = 0;
      updateJump();
      if (box.scrollTop > 200) return;
      const cs = s.get(s.openId);
      if (cs && cs.loaded && cs.hasOlder && !cs.loadingOlder) void loadOlder(s, cs).catch(() => undefined);
    }, { passive: true }),
    listen(jump, 'click', () => {
      scrollToBottom();
      opts.focusComposer();
    }),
  ];

  return {
    update,
    stickToBottom: () => void (stick = true),
    editLastOwn(): boolean {
      const cs = s.get(s.openId);
      if (!cs) return false;
      const msgs = ordered(cs);
      for (let i = msgs.length - 1; i >= 0; i--) {
        const m = msgs[i];
        if (s.isMe(m.senderId) && m.kind !== 'system' && !m.deletedAt) {
          startEdit(cs, m.seq);
          return true;
        }
      }
      return false;
    },
    reset,
    dispose() {
      offs.forEach((off) => off());
      reset();
    },
  };
}
