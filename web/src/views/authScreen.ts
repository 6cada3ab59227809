// The sign-in screen: log in or sign up, errors shown in place, a 429's Retry-After counted down on the button.

import type { api as realApi } from '../api';
import { listen, part } from '../dom';
import { ApiError, errorText } from '../errors';
import { session } from '../session';

export type AuthApi = Pick<typeof realApi, 'login' | 'signUp'>;

/** `root` is #auth-screen; `signedIn` enters the chat. */
export function createAuthScreen(root: HTMLElement, api: AuthApi, signedIn: () => Promise<void>) {
  const form = part<HTMLFormElement>(root, 'auth-form');
  const username = part<HTMLInputElement>(root, 'username');
  const password = part<HTMLInputElement>(root, 'password');
  const displayName = part<HTMLInputElement>(root, 'display-name');
  const loginBtn = part<HTMLButtonElement>(root, 'login');
  const signupBtn = part<HTMLButtonElement>(root, 'signup');
  const error = part(root, 'auth-error');
  let lockedUntil = 0;
  let lockTimer: ReturnType<typeof setInterval> | null = null;

  function showError(text: string | null): void {
    error.textContent = text ?? '';
    error.hidden = !text;
  }

  function setBusy(busy: boolean): void {
    loginBtn.disabled = busy || lockedUntil > Date.now();
    signupBtn.disabled = busy;
    form.setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  /** 429: count down Retry-After on the login button. */
  function lock(seconds: number): void {
    lockedUntil = Date.now() + seconds * 1000;
    if (lockTimer) clearInterval(lockTimer);
    const tick = (): void => {
      const left = Math.ceil((lockedUntil - Date.now()) / 1000);
      if (left <= 0) {
        if (lockTimer) clearInterval(lockTimer);
        lockTimer = null;
        loginBtn.textContent = 'Log in';
        loginBtn.disabled = false;
        if (error.dataset.kind === 'rate') showError(null);
        return;
      }
      loginBtn.disabled = true;
      loginBtn.textContent = `Log in (${left}s)`;
      error.textContent = `Too many login attempts. Try again in ${left} second${left === 1 ? '' : 's'}.`;
      error.hidden = false;
      error.dataset.kind = 'rate';
    };
    tick();
    lockTimer = setInterval(tick, 1000);
  }

  function failure(err: unknown, fallback401: string): void {
    session.clear();
    delete error.dataset.kind;
    if (err instanceof ApiError && err.status === 429) {
      if (err.retryAfter !== undefined && err.retryAfter > 0) lock(err.retryAfter);
      else showError(errorText(err));
      return;
    }
    if (err instanceof ApiError && err.status === 401) showError(fallback401);
    else if (err instanceof ApiError && err.status === 409 && !err.problem?.detail) showError('That username is already taken.');
    else showError(errorText(err));
  }

  function credentials(): { user: string; pass: string } | null {
    const user = username.value.trim();
    const pass = password.value;
    if (!user || !pass) {
      showError(!user && !pass ? 'Please enter a username and a password.' : !user ? 'Please enter a username.' : 'Please enter a password.');
      (user ? password : username).focus();
      return null;
    }
    return { user, pass };
  }

  async function login(user: string, pass: string): Promise<void> {
    await api.login(user, pass);
    await signedIn();
  }

  const offs = [
    listen(form, 'submit', (e) => {
      e.preventDefault();
      if (lockedUntil > Date.now()) return;
      const creds = credentials();
      if (!creds) return;
      setBusy(true);
      showError(null);
      login(creds.user, creds.pass)
        .catch((err: unknown) => failure(err, 'Invalid username or password.'))
        .finally(() => setBusy(false));
    }),
    listen(signupBtn, 'click', () => {
      const creds = credentials();
      if (!creds) return;
      setBusy(true);
      showError(null);
      const dn = displayName.value.trim();
      api
        .signUp(creds.user, creds.pass, dn || undefined)
        .then(() => login(creds.user, creds.pass))
        .catch((err: unknown) => failure(err, 'Could not sign in with the new account.'))
        .finally(() => setBusy(false));
    }),
  ];

  return {
    show(message?: string): void {
      root.hidden = false;
      showError(message ?? null);
      setBusy(false);
      (username.value ? password : username).focus();
    },
    hide(): void {
      root.hidden = true;
      password.value = '';
      showError(null);
    },
    showError,
    dispose: () => offs.forEach((off) => off()),
  };
}
