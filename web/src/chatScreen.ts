// The chat screen: sidebar (me, user search, conversation list) and the open conversation, wired to the store.
// Each part is a view of its own; this file only says which conversation is open and passes changes on.

import type { api as realApi } from './api';
import { h, listen, part, type View } from './dom';
import { errorText } from './errors';
import type { ConnectionStatus } from './hub';
import type { MediaApi } from './media';
import type { Id, User } from './model';
import { open, openDirect } from './state/conversations';
import type { Store } from './state/store';
import { paintAvatar } from './views/avatar';
import { createComposer } from './views/composer';
import { createConversationHeader } from './views/conversationHeader';
import { createConversationList } from './views/conversationList';
import { createMessageList } from './views/messageList';
import { searchInto, userButton, type SearchApi } from './views/userSearch';

const OPEN_KEY = 'chat.openConversation';

export type ChatApi = SearchApi & MediaApi & Pick<typeof realApi, 'openDirect'>;

export interface ChatScreen extends View {
  select(id: Id | null): void;
  restoreOpenConversation(): void;
  forgetOpenConversation(): void;
  showMe(me: User): void;
  showConnection(status: ConnectionStatus): void;
  announce(text: string): void;
  /** Forget what the last session showed (sign-out, or before a sign-in). */
  reset(): void;
  /** Called after every list render (the title badge). */
  afterListRender(fn: () => void): void;
}

function remember(id: Id | null): void {
  try {
    if (id !== null) sessionStorage.setItem(OPEN_KEY, String(id));
    else sessionStorage.removeItem(OPEN_KEY);
  } catch {
    /* storage unavailable: nothing to restore later */
  }
}

/** `root` is the whole app (#app). */
export function createChatScreen(root: HTMLElement, s: Store, api: ChatApi): ChatScreen {
  const view = part(root, 'conversation-view');
  const empty = part(root, 'empty-state');
  const search = part<HTMLInputElement>(root, 'user-search');
  const results = part(root, 'user-results');
  const banner = part(root, 'connection-banner');
  const live = part(root, 'live-region');
  let afterList: () => void = () => undefined;

  const list = createConversationList(part(root, 'conversations'), s, (id) => select(id));
  const header = createConversationHeader(view, s);
  const messages = createMessageList(view, s, {
    focusComposer: () => composer.focus(),
    showError: (text) => composer.showError(text),
    confirm: (text) => window.confirm(text),
  });
  const composer = createComposer(view, s, {
    api,
    sent: () => messages.stickToBottom(),
    editLastOwn: () => messages.editLastOwn(),
    close: () => select(null),
  });

  function renderList(): void {
    list.update();
    if (s.openId !== null && !s.get(s.openId)) select(null);
    header.update();
    composer.update();
    afterList();
  }

  function select(id: Id | null): void {
    const prev = s.openId;
    if (!s.get(id)) id = null;
    remember(id);
    composer.open(id);
    open(s, id);
    root.classList.toggle('chat-open', id !== null);
    empty.hidden = id !== null;
    view.hidden = id === null;
    if (id !== null && prev !== id) {
      messages.update();
      if (window.matchMedia('(pointer: fine)').matches) composer.focus();
    }
    renderList();
  }

  const runSearch = searchInto(s, api, results, (u) => {
    const btn = userButton(s, u, { 'data-user-id': String(u.id) });
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        const cs = await openDirect(s, u.id);
        if (!cs) return;
        search.value = '';
        runSearch('');
        select(cs.id);
      } catch (err) {
        btn.disabled = false;
        results.appendChild(h('div', { class: 'results-empty error' }, errorText(err)));
      }
    });
    return btn;
  });

  const timer = setInterval(() => {
    if (s.me) renderList();
  }, 30_000);
  const offs = [
    s.onConversations(renderList),
    () => clearInterval(timer),
    listen(search, 'input', () => runSearch(search.value)),
    listen(search, 'keydown', (e) => {
      if (e.key === 'Escape') {
        search.value = '';
        runSearch('');
      } else if (e.key === 'Enter' || e.key === 'ArrowDown') {
        const first = results.querySelector<HTMLButtonElement>('button[data-user-id]');
        if (first) {
          e.preventDefault();
          if (e.key === 'Enter') first.click();
          else first.focus();
        }
      }
    }),
    listen(results, 'keydown', (e) => {
      const buttons = [...results.querySelectorAll<HTMLButtonElement>('button')];
      const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
      if (e.key === 'ArrowDown' && i >= 0) buttons[Math.min(i + 1, buttons.length - 1)].focus();
      else if (e.key === 'ArrowUp') (i <= 0 ? search : buttons[i - 1]).focus();
      else if (e.key === 'Escape') search.focus();
      else return;
      e.preventDefault();
    }),
    listen(part(root, 'back'), 'click', () => select(null)),
  ];

  return {
    update: renderList,
    select,
    restoreOpenConversation(): void {
      if (s.openId !== null) return;
      let saved: string | null = null;
      try {
        saved = sessionStorage.getItem(OPEN_KEY);
      } catch {
        saved = null;
      }
      const id = Number(saved);
      if (saved && s.get(id)) select(id);
    },
    forgetOpenConversation: () => remember(null),
    showMe(me: User): void {
      const name = me.displayName || me.username;
      const el = part(root, 'me');
      el.textContent = name;
      el.title = `@${me.username}`;
      paintAvatar(part(root, 'me-avatar'), name, me.id);
    },
    showConnection(status: ConnectionStatus): void {
      const text: Record<ConnectionStatus, string> = {
        connected: '',
        connecting: 'Connecting…',
        reconnecting: 'Connection lost. Reconnecting…',
        disconnected: 'Disconnected. Trying to reconnect…',
      };
      banner.textContent = text[status];
      banner.hidden = status === 'connected' || status === 'connecting';
      banner.dataset.status = status;
    },
    announce(text: string): void {
      // Re-set so identical texts are announced again.
      live.textContent = '';
      setTimeout(() => (live.textContent = text), 50);
    },
    reset(): void {
      search.value = '';
      runSearch('');
      list.reset();
      messages.reset();
      composer.reset();
      root.classList.remove('chat-open');
      empty.hidden = false;
      view.hidden = true;
      part(root, 'me').textContent = '';
    },
    afterListRender(fn: () => void): void {
      afterList = fn;
    },
    dispose(): void {
      offs.forEach((off) => off());
      list.dispose();
      header.dispose();
      messages.dispose();
      composer.dispose();
    },
  };
}
