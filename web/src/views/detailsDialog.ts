// Conversation details: members with presence, rename, add/remove (owner), leave (group), block/unblock (direct).

import type { api as realApi } from '../api';
import { clear, h, listen, part } from '../dom';
import { errorText } from '../errors';
import type { Id } from '../model';
import { addMember, removeMember, rename } from '../state/conversations';
import { isOwner, title, userName } from '../state/directory';
import { loadPresence, presenceStatus } from '../state/presence';
import type { Store } from '../state/store';
import { avatar, presenceDot, presenceText } from './avatar';
import { closeOnBackdrop, setError } from './dialogParts';
import { searchInto, userButton, type SearchApi } from './userSearch';

export type DetailsApi = SearchApi & Pick<typeof realApi, 'blocks' | 'block' | 'unblock'>;

/** `root` is #details-dialog; `left` closes the conversation I just left. */
export function createDetailsDialog(root: HTMLDialogElement, s: Store, api: DetailsApi, left: () => void) {
  const heading = part(root, 'details-title');
  const renameForm = part<HTMLFormElement>(root, 'group-rename-form');
  const renameInput = part<HTMLInputElement>(root, 'group-rename-input');
  const members = part(root, 'group-members');
  const addBox = part(root, 'group-add');
  const addInput = part<HTMLInputElement>(root, 'group-add-search');
  const leave = part<HTMLButtonElement>(root, 'group-leave');
  const blockBtn = part<HTMLButtonElement>(root, 'direct-block');
  const blockNotice = part(root, 'details-block-notice');
  const error = part(root, 'details-error');
  let shownId: Id | null = null;
  /** Who I blocked, loaded when the dialog opens; null until then (or when it could not be loaded). */
  let blocked: Set<Id> | null = null;
  let blocksLoad = 0;

  /** The other person of a direct conversation. */
  function directPeer(): Id | null {
    const cs = s.get(shownId);
    if (!cs || cs.conv.kind !== 'direct') return null;
    return cs.conv.members.find((m) => !s.isMe(m.userId))?.userId ?? null;
  }

  function renderBlock(): void {
    const peer = directPeer();
    blockBtn.hidden = !peer || !blocked;
    const isBlocked = !!peer && !!blocked?.has(peer);
    blockNotice.hidden = !isBlocked;
    if (!peer) return;
    const name = userName(s, peer);
    blockBtn.textContent = isBlocked ? `Unblock ${name}` : `Block ${name}`;
    blockBtn.className = isBlocked ? 'btn btn-secondary' : 'btn btn-danger';
    blockNotice.textContent = isBlocked ? `You blocked ${name}. Neither of you can send messages here.` : '';
  }

  async function loadBlocks(): Promise<void> {
    const mine = ++blocksLoad;
    blocked = null;
    renderBlock();
    if (!directPeer()) return;
    try {
      const users = await api.blocks();
      if (mine !== blocksLoad) return;
      blocked = new Set(users.map((u) => u.id));
    } catch (err) {
      if (mine !== blocksLoad) return;
      setError(error, `Could not load blocked people: ${errorText(err)}`);
    }
    renderBlock();
  }

  function update(): void {
    if (!root.open || shownId === null) return;
    const cs = s.get(shownId);
    if (!cs) {
      root.close();
      return;
    }
    const group = cs.conv.kind === 'group';
    const owner = isOwner(s, cs);
    heading.textContent = title(s, cs);
    renameForm.hidden = !group;
    if (document.activeElement !== renameInput) renameInput.value = cs.conv.title ?? '';
    addBox.hidden = !owner;
    leave.hidden = !group;
    renderBlock();
    clear(members);
    const sorted = [...cs.conv.members].sort((a, b) => Number(s.isMe(b.userId)) - Number(s.isMe(a.userId)));
    for (const m of sorted) {
      const me = s.isMe(m.userId);
      const name = userName(s, m.userId);
      let remove: HTMLButtonElement | null = null;
      if (owner && !me) {
        const btn = h('button', { type: 'button', class: 'btn btn-ghost remove-member', 'data-remove-member': String(m.userId), 'aria-label': `Remove ${name}` }, 'Remove');
        btn.addEventListener('click', async () => {
          if (!window.confirm(`Remove ${name} from the group?`)) return;
          btn.disabled = true;
          try {
            await removeMember(s, cs, m.userId);
            setError(error, null);
          } catch (err) {
            btn.disabled = false;
            setError(error, errorText(err));
          }
        });
        remove = btn;
      }
      const status = me ? 'online' : presenceStatus(s, m.userId) ?? 'offline';
      members.appendChild(
        h('li', { class: 'member', 'data-member-id': String(m.userId) },
          avatar(name, m.userId),
          h('span', { class: 'member-text' },
            h('span', { class: 'member-name' }, me ? `${name} (you)` : name, group && cs.conv.ownerId === m.userId ? h('span', { class: 'owner-badge' }, 'owner') : null),
            h('span', { class: 'member-presence' }, presenceDot(status), me ? ' online' : ` ${presenceText(s, m.userId) || 'offline'}`)),
          remove),
      );
    }
  }

  const addSearch = searchInto(s, api, part(root, 'group-add-results'), (u) => {
    const cs = s.get(shownId);
    if (!cs || cs.conv.members.some((m) => m.userId === u.id)) return null;
    const btn = userButton(s, u, { 'data-add-user-id': String(u.id) });
    btn.addEventListener('click', async () => {
      const max = s.limits.maxGroupMembers;
      if (cs.conv.members.length >= max) {
        setError(error, `A group can have at most ${max} members.`);
        return;
      }
      btn.disabled = true;
      try {
        await addMember(s, cs, u.id);
        addInput.value = '';
        addSearch('');
        setError(error, null);
        update();
      } catch (err) {
        btn.disabled = false;
        setError(error, errorText(err));
      }
    });
    return btn;
  });

  const offs = [
    closeOnBackdrop(root),
    s.onConversations(update),
    listen(part(root, 'details-close'), 'click', () => root.close()),
    listen(addInput, 'input', () => addSearch(addInput.value)),
    listen(renameForm, 'submit', async (e) => {
      e.preventDefault();
      const cs = s.get(shownId);
      const name = renameInput.value.trim();
      if (!cs || !name || name === cs.conv.title) return;
      try {
        await rename(s, cs, name);
        setError(error, null);
        renameInput.blur();
        update();
      } catch (err) {
        setError(error, errorText(err));
      }
    }),
    listen(leave, 'click', async () => {
      const cs = s.get(shownId);
      if (!cs || !s.me || !window.confirm('Leave this group?')) return;
      try {
        await removeMember(s, cs, s.me.id);
        root.close();
        left();
      } catch (err) {
        setError(error, errorText(err));
      }
    }),
    listen(blockBtn, 'click', async () => {
      const peer = directPeer();
      if (!peer || !blocked) return;
      const unblock = blocked.has(peer);
      const mine = blocksLoad;
      blockBtn.disabled = true;
      try {
        await (unblock ? api.unblock(peer) : api.block(peer));
        if (mine === blocksLoad && blocked) {
          if (unblock) blocked.delete(peer);
          else blocked.add(peer);
        }
        setError(error, null);
      } catch (err) {
        setError(error, errorText(err));
      } finally {
        blockBtn.disabled = false;
        renderBlock();
      }
    }),
  ];

  return {
    open(): void {
      shownId = s.openId;
      if (shownId === null) return;
      addInput.value = '';
      addSearch('');
      setError(error, null);
      root.showModal();
      update();
      void loadBlocks();
      void loadPresence(s, true);
    },
    update,
    dispose: () => offs.forEach((off) => off()),
  };
}
