// Start-up: one store, the hub, the screens and dialogs; session resume; idle/hidden-tab presence; title badge;
// notifications and the live region.

import './styles.css';
import { api } from './api';
import { createChatScreen } from './chatScreen';
import { byId } from './dom';
import { ApiError, errorText } from './errors';
import { ChatHub } from './hub';
import { DEFAULT_LIMITS, mergeLimits } from './limits';
import { session } from './session';
import { refreshConversations } from './state/conversations';
import { title, userName } from './state/directory';
import { setViewing } from './state/reading';
import { reset, setLimits, start, Store, totalUnread } from './state/store';
import { createAuthScreen } from './views/authScreen';
import { createDetailsDialog } from './views/detailsDialog';
import { closeOnBackdrop } from './views/dialogParts';
import { createNewGroupDialog } from './views/newGroupDialog';
import { createProfileDialog } from './views/profileDialog';

const IDLE_MS = 5 * 60_000;
const chatRoot = byId('chat-screen');
const notifyBtn = byId<HTMLButtonElement>('enable-notifications');

const store = new Store(api);
const hub = new ChatHub(store);
store.transport = hub;
const chat = createChatScreen(byId('app'), store, api);
hub.onStatus((status) => chat.showConnection(status));
const newGroup = createNewGroupDialog(byId<HTMLDialogElement>('new-group-dialog'), store, api, (id) => chat.select(id));
const details = createDetailsDialog(byId<HTMLDialogElement>('details-dialog'), store, api, () => chat.select(null));
const profile = createProfileDialog(byId<HTMLDialogElement>('profile-dialog'), store, api, () => store.me && chat.showMe(store.me));
const auth = createAuthScreen(byId('auth-screen'), api, async () => enterChat());
const lightbox = byId<HTMLDialogElement>('lightbox');
closeOnBackdrop(lightbox);
byId('lightbox-close').addEventListener('click', () => lightbox.close());
byId('new-group').addEventListener('click', () => newGroup.open());
byId('conversation-details').addEventListener('click', () => details.open());
byId('profile-open').addEventListener('click', () => profile.open());

function showAuth(message?: string): void {
  chatRoot.hidden = true;
  auth.show(message);
  document.title = 'Chat';
}

async function enterChat(): Promise<void> {
  const me = await api.me();
  start(store, me);
  chat.reset();
  chat.showMe(me);
  auth.hide();
  chatRoot.hidden = false;
  updateTitle();
  updateNotifyButton();
  hub.start();
  updatePresence();
  const gen = store.generation;
  void api.limits().then((answers) => {
    if (gen === store.generation) setLimits(store, mergeLimits(DEFAULT_LIMITS, ...answers));
  });
  try {
    await refreshConversations(store);
    chat.restoreOpenConversation();
  } catch {
    /* the hub catch-up retries */
  }
}

function signedOut(message?: string): void {
  hub.stop();
  session.clear();
  reset(store);
  chat.reset();
  chat.select(null);
  chat.forgetOpenConversation();
  for (const d of document.querySelectorAll('dialog')) if ((d as HTMLDialogElement).open) (d as HTMLDialogElement).close();
  showAuth(message);
}

async function logout(): Promise<void> {
  hub.stop();
  await api.logout().catch(() => undefined);
  signedOut();
}

session.onUnauthorized(() => signedOut('Your session has expired. Please log in again.'));
byId('logout').addEventListener('click', () => void logout());
byId('profile-logout').addEventListener('click', () => void logout());

// ---------- visibility, focus, presence ----------

let idle = false;
let idleTimer: ReturnType<typeof setTimeout> | null = null;

function viewingNow(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus() && !chatRoot.hidden;
}

function updatePresence(): void {
  setViewing(store, viewingNow());
  if (!store.me) return;
  hub.setPresence(document.visibilityState === 'hidden' || idle ? 'away' : 'online');
}

function activity(): void {
  if (!store.viewing) setViewing(store, viewingNow());
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    idle = true;
    updatePresence();
  }, IDLE_MS);
  if (idle) {
    idle = false;
    updatePresence();
  }
}

for (const ev of ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart']) {
  window.addEventListener(ev, activity, { passive: true, capture: true });
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') activity();
  updatePresence();
});
window.addEventListener('focus', () => {
  activity();
  updatePresence();
});
window.addEventListener('blur', updatePresence);
activity();

// ---------- title badge, notifications, live region ----------

function updateTitle(): void {
  const n = totalUnread(store);
  const me = store.me;
  const base = me ? `Chat — ${me.displayName || me.username}` : 'Chat';
  document.title = n > 0 ? `(${n > 99 ? '99+' : n}) ${base}` : base;
}
chat.afterListRender(updateTitle);

const notificationsSupported = (): boolean => typeof Notification !== 'undefined';

function updateNotifyButton(): void {
  notifyBtn.hidden = !notificationsSupported() || Notification.permission !== 'default';
}

notifyBtn.addEventListener('click', () => {
  if (!notificationsSupported()) return;
  void Notification.requestPermission().then(updateNotifyButton, updateNotifyButton);
});

store.onIncoming = (cs, msg) => {
  const sender = userName(store, msg.senderId);
  const body = msg.deletedAt ? '' : msg.text || (msg.media?.length ? 'Sent an attachment' : '');
  const where = cs.conv.kind === 'group' ? ` in ${title(store, cs)}` : '';
  chat.announce(`${sender}${where}: ${body.slice(0, 200)}`);
  if (document.visibilityState === 'hidden' && notificationsSupported() && Notification.permission === 'granted') {
    try {
      const n = new Notification(cs.conv.kind === 'group' ? `${sender} · ${title(store, cs)}` : sender, {
        body: body.slice(0, 180),
        tag: `chat-${cs.id}`,
      });
      n.onclick = () => {
        window.focus();
        chat.select(cs.id);
        n.close();
      };
    } catch {
      /* some browsers only allow notifications from a service worker */
    }
  }
};

store.onRemoved = (id, name) => {
  if (store.openId === null || store.openId === id) chat.select(null);
  chat.announce(`You are no longer in ${name}.`);
};

// ---------- start: resume the session from the refresh cookie, if the hint says there is one ----------

async function boot(): Promise<void> {
  if (!(await session.resume())) {
    showAuth();
    return;
  }
  try {
    await enterChat();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) signedOut('Your session has expired. Please log in again.');
    else {
      chatRoot.hidden = true;
      byId('auth-screen').hidden = false;
      auth.showError(errorText(err));
    }
  }
}

void boot();
