import './styles.css';
import { api, ApiError, errorText, session, type User } from './api';
import { byId } from './dom';
import { hub } from './hub';
import { store } from './store';
import { forgetOpenConversation, initChatUi, resetChatUi, restoreOpenConversation, selectConversation, showConnection, showMe } from './ui';

const authScreen = byId('auth-screen');
const chatScreen = byId('chat-screen');
const form = byId<HTMLFormElement>('auth-form');
const username = byId<HTMLInputElement>('username');
const password = byId<HTMLInputElement>('password');
const displayName = byId<HTMLInputElement>('display-name');
const loginBtn = byId<HTMLButtonElement>('login');
const signupBtn = byId<HTMLButtonElement>('signup');
const authError = byId('auth-error');
const logoutBtn = byId<HTMLButtonElement>('logout');

store.transport = hub;
hub.onStatus(showConnection);
initChatUi();

function showAuthError(text: string | null): void {
  authError.textContent = text ?? '';
  authError.hidden = !text;
}

function setBusy(busy: boolean): void {
  loginBtn.disabled = busy;
  signupBtn.disabled = busy;
  form.setAttribute('aria-busy', busy ? 'true' : 'false');
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
  document.title = `Chat — ${me.displayName || me.username}`;
  password.value = '';
  showAuthError(null);
  hub.start();
  // Show the list right away; the hub's catch-up refreshes it on connect.
  try {
    await store.refreshConversations();
    restoreOpenConversation();
  } catch {
    /* the hub catch-up will retry */
  }
}

function logout(message?: string): void {
  hub.stop();
  session.clear();
  store.reset();
  resetChatUi();
  selectConversation(null);
  forgetOpenConversation();
  showAuth(message);
}

session.onUnauthorized(() => logout('Your session has expired. Please log in again.'));

function readCredentials(): { user: string; pass: string } | null {
  const user = username.value.trim();
  const pass = password.value;
  if (!user || !pass) {
    showAuthError('Please enter a username and a password.');
    (user ? password : username).focus();
    return null;
  }
  return { user, pass };
}

async function login(user: string, pass: string): Promise<void> {
  const token = await api.login(user, pass);
  if (!token || !token.accessToken) throw new Error('Login failed: no token received.');
  session.set(token);
  const me = await api.me();
  await enterChat(me);
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const creds = readCredentials();
  if (!creds) return;
  setBusy(true);
  showAuthError(null);
  login(creds.user, creds.pass)
    .catch((err: unknown) => {
      session.clear();
      showAuthError(
        err instanceof ApiError && err.status === 401 && !err.problem?.detail
          ? 'Invalid username or password.'
          : errorText(err),
      );
    })
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
    .catch((err: unknown) => {
      session.clear();
      showAuthError(
        err instanceof ApiError && err.status === 409 && !err.problem?.detail
          ? 'That username is already taken.'
          : errorText(err),
      );
    })
    .finally(() => setBusy(false));
});

logoutBtn.addEventListener('click', () => logout());

// Resume the session of this tab (sessionStorage is per tab).
async function boot(): Promise<void> {
  if (!session.load()) {
    showAuth();
    return;
  }
  try {
    const me = await api.me();
    await enterChat(me);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) logout('Your session has expired. Please log in again.');
    else {
      // Server unreachable: keep the token, offer the login screen with the reason.
      chatScreen.hidden = true;
      authScreen.hidden = false;
      showAuthError(errorText(err));
    }
  }
}

void boot();
