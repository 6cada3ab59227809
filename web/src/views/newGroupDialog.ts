// "New group": a name and people picked by search, at most the server's member limit (me included).

import { clear, h, listen, part } from '../dom';
import { errorText } from '../errors';
import type { Id, User } from '../model';
import { createGroup } from '../state/conversations';
import type { Store } from '../state/store';
import { closeOnBackdrop, setError } from './dialogParts';
import { searchInto, userButton, type SearchApi } from './userSearch';

/** `root` is #new-group-dialog; `opened` shows the new group. */
export function createNewGroupDialog(root: HTMLDialogElement, s: Store, api: SearchApi, opened: (id: Id) => void) {
  const form = part<HTMLFormElement>(root, 'new-group-form');
  const titleInput = part<HTMLInputElement>(root, 'group-title');
  const searchInput = part<HTMLInputElement>(root, 'group-member-search');
  const selected = part(root, 'group-selected');
  const count = part(root, 'group-count');
  const error = part(root, 'group-error');
  const create = part<HTMLButtonElement>(root, 'group-create');
  const picked = new Map<Id, User>();

  function update(): void {
    const max = s.limits.maxGroupMembers;
    clear(selected);
    for (const u of picked.values()) {
      const name = u.displayName || u.username;
      const chip = h('button', { type: 'button', class: 'chip', 'data-user-id': String(u.id), 'aria-label': `Remove ${name}` }, name, h('span', { 'aria-hidden': 'true' }, ' ×'));
      chip.addEventListener('click', () => {
        picked.delete(u.id);
        update();
      });
      selected.appendChild(chip);
    }
    const total = picked.size + 1;
    count.textContent = `${total} / ${max} members (including you)`;
    count.classList.toggle('over', total > max);
    create.disabled = picked.size < 1 || total > max || !titleInput.value.trim();
  }

  const search = searchInto(s, api, part(root, 'group-member-results'), (u) => {
    const btn = userButton(s, u, { 'data-user-id': String(u.id), 'aria-pressed': String(picked.has(u.id)) });
    btn.addEventListener('click', () => {
      const max = s.limits.maxGroupMembers;
      if (picked.has(u.id)) picked.delete(u.id);
      else if (picked.size + 1 >= max) {
        setError(error, `A group can have at most ${max} members.`);
        return;
      } else picked.set(u.id, u);
      btn.setAttribute('aria-pressed', String(picked.has(u.id)));
      setError(error, null);
      update();
    });
    return btn;
  });

  const offs = [
    closeOnBackdrop(root),
    listen(titleInput, 'input', update),
    listen(searchInput, 'input', () => search(searchInput.value)),
    listen(part(root, 'group-cancel'), 'click', () => root.close()),
    listen(form, 'submit', async (e) => {
      e.preventDefault();
      const name = titleInput.value.trim();
      if (!name) return setError(error, 'Give the group a name.');
      if (!picked.size) return setError(error, 'Pick at least one person.');
      create.disabled = true;
      try {
        const cs = await createGroup(s, name, [...picked.keys()]);
        root.close();
        if (cs) opened(cs.id);
      } catch (err) {
        setError(error, errorText(err));
        update();
      }
    }),
  ];

  return {
    open(): void {
      picked.clear();
      form.reset();
      search('');
      setError(error, null);
      update();
      root.showModal();
      titleInput.focus();
    },
    update,
    dispose: () => offs.forEach((off) => off()),
  };
}
