// User search results (sidebar, new group, add member): a debounced query into a box of user buttons.

import { errorText } from '../errors';
import { clear, debounce, h } from '../dom';
import type { User } from '../model';
import type { api as realApi } from '../api';
import { rememberUser } from '../state/directory';
import { presenceStatus } from '../state/presence';
import type { Store } from '../state/store';
import { avatar } from './avatar';

export type SearchApi = Pick<typeof realApi, 'searchUsers'>;

export function userButton(s: Store, u: User, attrs: Record<string, string>): HTMLButtonElement {
  const name = u.displayName || u.username;
  return h(
    'button',
    { type: 'button', class: 'user-result', ...attrs },
    avatar(name, u.id, presenceStatus(s, u.id)),
    h('span', { class: 'user-result-text' },
      h('span', { class: 'user-result-name' }, name),
      h('span', { class: 'user-result-username' }, `@${u.username}`)),
  );
}

/** Debounced search into `box`; `render` builds one row per user (others only). Returns the query setter. */
export function searchInto(s: Store, api: SearchApi, box: HTMLElement, render: (u: User) => HTMLElement | null): (q: string) => void {
  let seq = 0;
  const run = debounce(async (query: string, mine: number) => {
    try {
      const users = await api.searchUsers(query);
      if (mine !== seq) return;
      clear(box);
      let n = 0;
      for (const u of users) {
        if (!u.id || s.isMe(u.id)) continue;
        rememberUser(s, u);
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
