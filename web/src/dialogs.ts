// Dialogs: new group, conversation details (members, rename, add/remove, leave, block), profile.

import { api, errorText, GROUP_ADDS_CHOICES, toGroupAdds, type Id, type User } from './api';
import { byId, clear, h } from './dom';
import { store } from './store';
import { avatar, presenceDot, presenceStatus, presenceText, searchInto, selectConversation, showMe, userButton } from './ui';

export const MAX_GROUP_MEMBERS = 50;

function setError(target: HTMLElement, text: string | null): void {
  target.textContent = text ?? '';
  target.hidden = !text;
}

function closeOnBackdrop(d: HTMLDialogElement): void {
  d.addEventListener('click', (e) => {
    if (e.target === d) d.close();
  });
}

// ---------- new group ----------

const ng = {
  dialog: byId<HTMLDialogElement>('new-group-dialog'),
  form: byId<HTMLFormElement>('new-group-form'),
  title: byId<HTMLInputElement>('group-title'),
  search: byId<HTMLInputElement>('group-member-search'),
  results: byId('group-member-results'),
  selected: byId('group-selected'),
  count: byId('group-count'),
  error: byId('group-error'),
  create: byId<HTMLButtonElement>('group-create'),
  cancel: byId<HTMLButtonElement>('group-cancel'),
};
const picked = new Map<Id, User>();

function renderPicked(): void {
  clear(ng.selected);
  for (const u of picked.values()) {
    const name = u.displayName || u.username;
    const chip = h('button', { type: 'button', class: 'chip', 'data-user-id': u.id, 'aria-label': `Remove ${name}` }, name, h('span', { 'aria-hidden': 'true' }, ' ×'));
    chip.addEventListener('click', () => {
      picked.delete(u.id);
      renderPicked();
    });
    ng.selected.appendChild(chip);
  }
  const total = picked.size + 1;
  ng.count.textContent = `${total} / ${MAX_GROUP_MEMBERS} members (including you)`;
  ng.count.classList.toggle('over', total > MAX_GROUP_MEMBERS);
  ng.create.disabled = picked.size < 1 || total > MAX_GROUP_MEMBERS || !ng.title.value.trim();
}

const groupSearch = searchInto(ng.results, (u) => {
  const btn = userButton(u, { 'data-user-id': u.id, 'aria-pressed': String(picked.has(u.id)) });
  btn.addEventListener('click', () => {
    if (picked.has(u.id)) picked.delete(u.id);
    else if (picked.size + 1 >= MAX_GROUP_MEMBERS) {
      setError(ng.error, `A group can have at most ${MAX_GROUP_MEMBERS} members.`);
      return;
    } else picked.set(u.id, u);
    btn.setAttribute('aria-pressed', String(picked.has(u.id)));
    setError(ng.error, null);
    renderPicked();
  });
  return btn;
});

export function openNewGroup(): void {
  picked.clear();
  ng.form.reset();
  groupSearch('');
  setError(ng.error, null);
  renderPicked();
  ng.dialog.showModal();
  ng.title.focus();
}

// ---------- details ----------

const dt = {
  dialog: byId<HTMLDialogElement>('details-dialog'),
  heading: byId('details-title'),
  renameForm: byId<HTMLFormElement>('group-rename-form'),
  renameInput: byId<HTMLInputElement>('group-rename-input'),
  members: byId('group-members'),
  addBox: byId('group-add'),
  addSearch: byId<HTMLInputElement>('group-add-search'),
  addResults: byId('group-add-results'),
  leave: byId<HTMLButtonElement>('group-leave'),
  block: byId<HTMLButtonElement>('direct-block'),
  blockNotice: byId('details-block-notice'),
  error: byId('details-error'),
  close: byId<HTMLButtonElement>('details-close'),
};
let detailsKey: string | null = null;
/** Who I blocked, loaded when the details dialog opens; null until then (or when it could not be loaded). */
let blocked: Set<Id> | null = null;
let blocksLoad = 0;

/** The other person of a direct conversation. */
function directPeer(key: string | null): Id | null {
  const cs = store.get(key);
  if (!cs || cs.conv.kind !== 'direct') return null;
  return cs.conv.members.find((m) => !store.isMe(m.userId))?.userId ?? null;
}

function renderBlock(): void {
  const peer = directPeer(detailsKey);
  dt.block.hidden = !peer || !blocked;
  const isBlocked = !!peer && !!blocked?.has(peer);
  dt.blockNotice.hidden = !isBlocked;
  if (!peer) return;
  const name = store.userName(peer);
  dt.block.textContent = isBlocked ? `Unblock ${name}` : `Block ${name}`;
  dt.block.className = isBlocked ? 'btn btn-secondary' : 'btn btn-danger';
  dt.blockNotice.textContent = isBlocked ? `You blocked ${name}. Neither of you can send messages here.` : '';
}

async function loadBlocks(): Promise<void> {
  const load = ++blocksLoad;
  blocked = null;
  renderBlock();
  if (!directPeer(detailsKey)) return;
  try {
    const users = await api.blocks();
    if (load !== blocksLoad) return;
    blocked = new Set(users.map((u) => u.id));
  } catch (err) {
    if (load !== blocksLoad) return;
    setError(dt.error, `Could not load blocked people: ${errorText(err)}`);
  }
  renderBlock();
}

export function renderDetails(): void {
  if (!dt.dialog.open || !detailsKey) return;
  const cs = store.get(detailsKey);
  if (!cs) {
    dt.dialog.close();
    return;
  }
  const group = cs.conv.kind === 'group';
  const owner = store.isOwner(cs);
  dt.heading.textContent = group ? store.title(cs) : store.title(cs);
  dt.renameForm.hidden = !group;
  if (document.activeElement !== dt.renameInput) dt.renameInput.value = cs.conv.title ?? '';
  dt.addBox.hidden = !owner;
  dt.leave.hidden = !group;
  renderBlock();
  clear(dt.members);
  const members = [...cs.conv.members].sort((a, b) => Number(store.isMe(b.userId)) - Number(store.isMe(a.userId)));
  for (const m of members) {
    const me = store.isMe(m.userId);
    const name = store.userName(m.userId);
    const isOwner = group && String(cs.conv.ownerId) === String(m.userId);
    let remove: HTMLButtonElement | null = null;
    if (owner && !me) {
      remove = h('button', { type: 'button', class: 'btn btn-ghost remove-member', 'data-remove-member': m.userId, 'aria-label': `Remove ${name}` }, 'Remove');
      remove.addEventListener('click', async () => {
        if (!window.confirm(`Remove ${name} from the group?`)) return;
        remove!.disabled = true;
        try {
          await store.removeMember(cs, m.userId);
          setError(dt.error, null);
        } catch (err) {
          remove!.disabled = false;
          setError(dt.error, errorText(err));
        }
      });
    }
    const status = me ? 'online' : presenceStatus(m.userId) ?? 'offline';
    dt.members.appendChild(
      h('li', { class: 'member', 'data-member-id': m.userId },
        avatar(name, m.userId),
        h('span', { class: 'member-text' },
          h('span', { class: 'member-name' }, me ? `${name} (you)` : name, isOwner ? h('span', { class: 'owner-badge' }, 'owner') : null),
          h('span', { class: 'member-presence' }, presenceDot(status), me ? ' online' : ` ${presenceText(m.userId) || 'offline'}`)),
        remove),
    );
  }
}

const addSearch = searchInto(dt.addResults, (u) => {
  const cs = store.get(detailsKey);
  if (!cs || cs.conv.members.some((m) => String(m.userId) === String(u.id))) return null;
  const btn = userButton(u, { 'data-add-user-id': u.id });
  btn.addEventListener('click', async () => {
    if (cs.conv.members.length >= MAX_GROUP_MEMBERS) {
      setError(dt.error, `A group can have at most ${MAX_GROUP_MEMBERS} members.`);
      return;
    }
    btn.disabled = true;
    try {
      await store.addMember(cs, u.id);
      dt.addSearch.value = '';
      addSearch('');
      setError(dt.error, null);
      renderDetails();
    } catch (err) {
      btn.disabled = false;
      setError(dt.error, errorText(err));
    }
  });
  return btn;
});

export function openDetails(): void {
  detailsKey = store.openKey;
  if (!detailsKey) return;
  dt.addSearch.value = '';
  addSearch('');
  setError(dt.error, null);
  dt.dialog.showModal();
  renderDetails();
  void loadBlocks();
  void store.loadPresence(true);
}

// ---------- profile ----------

const pf = {
  dialog: byId<HTMLDialogElement>('profile-dialog'),
  form: byId<HTMLFormElement>('profile-form'),
  username: byId('profile-username'),
  name: byId<HTMLInputElement>('profile-display-name'),
  groupAdds: byId<HTMLSelectElement>('profile-group-adds'),
  save: byId<HTMLButtonElement>('profile-save'),
  error: byId('profile-error'),
  close: byId<HTMLButtonElement>('profile-close'),
};

let profileLoad = 0;

export function openProfile(): void {
  const me = store.me;
  if (!me) return;
  pf.username.textContent = `@${me.username}`;
  pf.name.value = me.displayName ?? '';
  setError(pf.error, null);
  // The select waits for the current setting, so an unknown one is never overwritten with the default; if it cannot be
  // loaded, Save still changes the display name alone.
  pf.groupAdds.value = toGroupAdds(me.groupAdds) ?? 'everyone';
  pf.groupAdds.disabled = true;
  pf.save.disabled = true;
  const load = ++profileLoad;
  api.me().then(
    (fresh) => {
      if (load !== profileLoad) return;
      pf.groupAdds.value = toGroupAdds(fresh.groupAdds) ?? 'everyone';
      pf.groupAdds.disabled = false;
      pf.save.disabled = false;
    },
    (err) => {
      if (load !== profileLoad) return;
      setError(pf.error, `Could not load your settings: ${errorText(err)}`);
      pf.save.disabled = false;
    },
  );
  pf.dialog.showModal();
  pf.name.focus();
}

export function initDialogs(): void {
  for (const d of [ng.dialog, dt.dialog, pf.dialog, byId<HTMLDialogElement>('lightbox')]) closeOnBackdrop(d);
  byId('new-group').addEventListener('click', openNewGroup);
  byId('conversation-details').addEventListener('click', openDetails);
  byId('profile-open').addEventListener('click', openProfile);
  byId('lightbox-close').addEventListener('click', () => byId<HTMLDialogElement>('lightbox').close());

  ng.title.addEventListener('input', renderPicked);
  ng.search.addEventListener('input', () => groupSearch(ng.search.value));
  ng.cancel.addEventListener('click', () => ng.dialog.close());
  ng.form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const title = ng.title.value.trim();
    if (!title) return setError(ng.error, 'Give the group a name.');
    if (!picked.size) return setError(ng.error, 'Pick at least one person.');
    ng.create.disabled = true;
    try {
      const cs = await store.createGroup(title, [...picked.keys()]);
      ng.dialog.close();
      if (cs) selectConversation(cs.key);
    } catch (err) {
      setError(ng.error, errorText(err));
      renderPicked();
    }
  });

  dt.close.addEventListener('click', () => dt.dialog.close());
  dt.renameForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const cs = store.get(detailsKey);
    const title = dt.renameInput.value.trim();
    if (!cs || !title || title === cs.conv.title) return;
    try {
      await store.rename(cs, title);
      setError(dt.error, null);
      dt.renameInput.blur();
      renderDetails();
    } catch (err) {
      setError(dt.error, errorText(err));
    }
  });
  dt.addSearch.addEventListener('input', () => addSearch(dt.addSearch.value));
  dt.leave.addEventListener('click', async () => {
    const cs = store.get(detailsKey);
    if (!cs || !store.me || !window.confirm('Leave this group?')) return;
    try {
      await store.removeMember(cs, store.me.id);
      dt.dialog.close();
      selectConversation(null);
    } catch (err) {
      setError(dt.error, errorText(err));
    }
  });

  dt.block.addEventListener('click', async () => {
    const peer = directPeer(detailsKey);
    if (!peer || !blocked) return;
    const unblock = blocked.has(peer);
    const load = blocksLoad;
    dt.block.disabled = true;
    try {
      await (unblock ? api.unblock(peer) : api.block(peer));
      if (load === blocksLoad && blocked) {
        if (unblock) blocked.delete(peer);
        else blocked.add(peer);
      }
      setError(dt.error, null);
    } catch (err) {
      setError(dt.error, errorText(err));
    } finally {
      dt.block.disabled = false;
      renderBlock();
    }
  });

  for (const c of GROUP_ADDS_CHOICES) pf.groupAdds.appendChild(h('option', { value: c.value }, c.label));
  pf.close.addEventListener('click', () => pf.dialog.close());
  pf.form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = pf.name.value.trim();
    if (!name) return setError(pf.error, 'Display name cannot be empty.');
    const groupAdds = pf.groupAdds.disabled ? null : toGroupAdds(pf.groupAdds.value);
    pf.save.disabled = true;
    try {
      const me = await api.updateMe(groupAdds ? { displayName: name, groupAdds } : { displayName: name });
      store.rememberUser(me);
      if (store.me) showMe(store.me);
      pf.dialog.close();
    } catch (err) {
      setError(pf.error, errorText(err));
    } finally {
      pf.save.disabled = false;
    }
  });

  store.onConversations(renderDetails);
}
