// Profile: display name and who may add me to groups.

import type { api as realApi } from '../api';
import { h, listen, part } from '../dom';
import { errorText } from '../errors';
import { GROUP_ADDS_CHOICES, toGroupAdds } from '../model';
import { rememberUser } from '../state/directory';
import type { Store } from '../state/store';
import { closeOnBackdrop, setError } from './dialogParts';

export type ProfileApi = Pick<typeof realApi, 'me' | 'updateMe'>;

/** `root` is #profile-dialog; `saved` shows the new name. */
export function createProfileDialog(root: HTMLDialogElement, s: Store, api: ProfileApi, saved: () => void) {
  const form = part<HTMLFormElement>(root, 'profile-form');
  const username = part(root, 'profile-username');
  const name = part<HTMLInputElement>(root, 'profile-display-name');
  const groupAdds = part<HTMLSelectElement>(root, 'profile-group-adds');
  const save = part<HTMLButtonElement>(root, 'profile-save');
  const error = part(root, 'profile-error');
  let load = 0;

  for (const c of GROUP_ADDS_CHOICES) groupAdds.appendChild(h('option', { value: c.value }, c.label));

  const offs = [
    closeOnBackdrop(root),
    listen(part(root, 'profile-close'), 'click', () => root.close()),
    listen(form, 'submit', async (e) => {
      e.preventDefault();
      const displayName = name.value.trim();
      if (!displayName) return setError(error, 'Display name cannot be empty.');
      const adds = groupAdds.disabled ? null : toGroupAdds(groupAdds.value);
      save.disabled = true;
      try {
        rememberUser(s, await api.updateMe(adds ? { displayName, groupAdds: adds } : { displayName }));
        saved();
        root.close();
      } catch (err) {
        setError(error, errorText(err));
      } finally {
        save.disabled = false;
      }
    }),
  ];

  return {
    open(): void {
      const me = s.me;
      if (!me) return;
      username.textContent = `@${me.username}`;
      name.value = me.displayName ?? '';
      setError(error, null);
      // The select waits for the current setting, so an unknown one is never overwritten with the default; if it cannot
      // be loaded, Save still changes the display name alone.
      groupAdds.value = toGroupAdds(me.groupAdds) ?? 'everyone';
      groupAdds.disabled = true;
      save.disabled = true;
      const mine = ++load;
      api.me().then(
        (fresh) => {
          if (mine !== load) return;
          groupAdds.value = toGroupAdds(fresh.groupAdds) ?? 'everyone';
          groupAdds.disabled = false;
          save.disabled = false;
        },
        (err) => {
          if (mine !== load) return;
          setError(error, `Could not load your settings: ${errorText(err)}`);
          save.disabled = false;
        },
      );
      root.showModal();
      name.focus();
    },
    dispose: () => offs.forEach((off) => off()),
  };
}
