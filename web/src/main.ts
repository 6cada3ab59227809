import './styles.css';
import { api, ApiError, errorText, session, type User } from './api';
import { byId } from './dom';
import { initDialogs } from './dialogs';
import { hub } from './hub';
import { store } from './store';
import {
  announce,
  forgetOpenConversation,
  afterListRender,
  initChatUi,
  resetChatUi,
  restoreOpenConversation,
  selectConversation,
  showConnection,
  showMe,
} from './ui';

const authScreen = byId('auth-screen');
const chatScreen = byId('chat-screen');
const form = byId<HTMLFormElement>('auth-form');
const username = byId<HTMLInputElement>('username');
const password = byId<HTMLInputElement>('password');
const displayName = byId<HTMLInputElement>('display-name');
const loginBtn = byId<HTMLButtonElement>('login');
const signupBtn = byId<HTMLButtonElement>('signup');
const authError = byId('auth-error');
const notifyBtn = byId<HTMLButtonElement>('enable-notifications');
const IDLE_MS = 5 * 60_000;

store.transport = hub;
hub.onStatus(showConnection);
initChatUi();
initDialogs();

// ---------- auth screen ----------

let lockedUntil = 0;
let lockTimer: ReturnType<typeof setInterval> | null = null;

function showAuthError(text: string | null): void {
  authError.textContent = text ?? '';
  authError.hidden = !text;
}

function setBusy(busy: boolean): void {
  const locked = lockedUntil > Date.now();
  loginBtn.disabled = busy || locked;
  signupBtn.disabled = busy;
  form.setAttribute('aria-busy', busy ? 'true' : 'false');
}

/** 429: count down Retry-After on the login button. */
function lockLogin(seconds: number): void {
  lockedUntil = Date.now() + seconds * 1000;
  if (lockTimer) clearInterval(lockTimer);
  const tick = (): void => {
    const left = Math.ceil((lockedUntil - Date.now()) / 1000);
    if (left <= 0) {
      if (lockTimer) clearInterval(lockTimer);
      lockTimer = null;
      loginBtn.textContent = 'Log in';
      loginBtn.disabled = false;
      if (authError.dataset.kind === 'rate') showAuthError(null);
      return;
    }
    loginBtn.disabled = true;
    loginBtn.textContent = `Log in (${left}s)`;
    authError.textContent = `Too many login attempts. Try again in ${left} second${left === 1 ? '' : 's'}.`;
    authError.hidden = false;
    authError.dataset.kind = 'rate';
  };
  tick();
  lockTimer = setInterval(tick, 1000);
}

function authFailure(err: unknown, fallback401: string): void {
  session.clear();
  delete authError.dataset.kind;
  if (err instanceof ApiError && err.status === 429) {
    if (err.retryAfter !== undefined && err.retryAfter > 0) lockLogin(err.retryAfter);
    else showAuthError(errorText(err));
    return;
  }
  if (err instanceof ApiError && err.status === 401) showAuthError(fallback401);
  else if (err instanceof ApiError && err.status === 409 && !err.problem?.detail) showAuthError('That username is already taken.');
  else showAuthError(errorText(err));
}

function showAuth(message?: string): void {
  chatScreen.hidden = true;
  authScreen.hidden = false;
  showAuthError(message ?? null);
  setBusy(false);
  document.title = 'Chat';
  (username.value ? password : username).focus();
}

async function enterChat(me: User): Promise<void> {
  store.start(me);
  resetChatUi();
  showMe(me);
  authScreen.hidden = true;
  chatScreen.hidden = false;
  password.value = '';
  showAuthError(null);
  updateTitle();
  updateNotifyButton();
  hub.start();
  updatePresence();
  try {
    await store.refreshConversations();
    restoreOpenConversation();
  } catch {
    /* the hub catch-up retries */
  }
}

function signedOut(message?: string): void {
  hub.stop();
  session.clear();
  store.reset();
  resetChatUi();
  selectConversation(null);
  forgetOpenConversation();
  for (const d of document.querySelectorAll('dialog')) if ((d as HTMLDialogElement).open) (d as HTMLDialogElement).close();
  showAuth(message);
}

async function logout(): Promise<void> {
  hub.stop();
  await api.logout().catch(() => undefined);
  signedOut();
}

session.onUnauthorized(() => signedOut('Your session has expired. Please log in again.'));

function readCredentials(): { user: string; pass: string } | null {
  const user = username.value.trim();
  const pass = password.value;
  if (!user || !pass) {
    showAuthError(!user && !pass ? 'Please enter a username and a password.' : !user ? 'Please enter a username.' : 'Please enter a password.');
    (user ? password : username).focus();
    return null;
  }
  return { user, pass };
}

async function login(user: string, pass: string): Promise<void> {
  await api.login(user, pass);
  await enterChat(await api.me());
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (lockedUntil > Date.now()) return;
  const creds = readCredentials();
  if (!creds) return;
  setBusy(true);
  showAuthError(null);
  login(creds.user, creds.pass)
    .catch((err: unknown) => authFailure(err, 'Invalid username or password.'))
    .finally(() => setBusy(false));
});

signupBtn.addEventListener('click', () => {
  const creds = readCredentials();
  if (!creds) return;
  setBusy(true);
  showAuthError(null);
  const dn = displayName.value.trim();
  api
    .signUp(creds.user, creds.pass, dn || undefined)
    .then(() => login(creds.user, creds.pass))
    .catch((err: unknown) => authFailure(err, 'Could not sign in with the new account.'))
    .finally(() => setBusy(false));
});

byId('logout').addEventListener('click', () => void logout());
byId('profile-logout').addEventListener('click', () => void logout());

// ---------- visibility, focus, presence ----------

let idle = false;
let idleTimer: ReturnType<typeof setTimeout> | null = null;

function viewingNow(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus() && !chatScreen.hidden;
}

function updatePresence(): void {
  store.setViewing(viewingNow());
  if (!store.me) return;
  hub.setPresence(document.visibilityState === 'hidden' || idle ? 'away' : 'online');
}

function activity(): void {
  if (!store.viewing) store.setViewing(viewingNow());
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
  const n = store.totalUnread();
  const me = store.me;
  const base = me ? `Chat — ${me.displayName || me.username}` : 'Chat';
  document.title = n > 0 ? `(${n > 99 ? '99+' : n}) ${base}` : base;
}
afterListRender(updateTitle);

function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined';
}

function updateNotifyButton(): void {
  notifyBtn.hidden = !notificationsSupported() || Notification.permission !== 'default';
}

notifyBtn.addEventListener('click', () => {
  if (!notificationsSupported()) return;
  void Notification.requestPermission().then(updateNotifyButton, updateNotifyButton);
});

store.onIncoming = (cs, msg) => {
  const sender = store.userName(msg.senderId);
  const body = msg.deletedAt ? '' : msg.text || (msg.media?.length ? 'Sent an attachment' : '');
  const where = cs.conv.kind === 'group' ? ` in ${store.title(cs)}` : '';
  announce(`${sender}${where}: ${body.slice(0, 200)}`);
  if (document.visibilityState === 'hidden' && notificationsSupported() && Notification.permission === 'granted') {
    try {
      const n = new Notification(cs.conv.kind === 'group' ? `${sender} · ${store.title(cs)}` : sender, {
        body: body.slice(0, 180),
        tag: `chat-${cs.key}`,
      });
      n.onclick = () => {
        window.focus();
        selectConversation(cs.key);
        n.close();
      };
    } catch {
      /* some browsers only allow notifications from a service worker */
    }
  }
};

store.onRemoved = (key, title) => {
  if (store.openKey === null || store.openKey === key) {
    selectConversation(null);
  }
  announce(`You are no longer in ${title}.`);
};

// ---------- start: resume the session from the refresh cookie ----------

async function boot(): Promise<void> {
  if (!(await session.refresh())) {
    showAuth();
    return;
  }
  try {
    await enterChat(await api.me());
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) signedOut('Your session has expired. Please log in again.');
    else {
      chatScreen.hidden = true;
      authScreen.hidden = false;
      showAuthError(errorText(err));
    }
  }
}

void boot();
