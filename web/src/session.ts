// The access token, in memory only; the HttpOnly refresh cookie keeps the session across reloads.

export interface TokenResponse {
  accessToken: string;
  expiresIn?: number;
}

/** Identity's script-readable companion of the refresh cookie: set and cleared with it, it holds no secret. */
export const SESSION_HINT_COOKIE = 'chat_session';

/** Is there a session to resume? Without the hint a refresh could only fail (and the browser would log the 401). */
export function hasSessionHint(cookies: string = typeof document === 'undefined' ? '' : document.cookie): boolean {
  return cookies.split(';').some((c) => c.trim().startsWith(`${SESSION_HINT_COOKIE}=`) && c.trim().length > SESSION_HINT_COOKIE.length + 1);
}

let accessToken: string | null = null;
let expiresAt = 0;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;
let refreshing: Promise<boolean> | null = null;
let unauthorizedHandler: (() => void) | null = null;
let refreshFn: () => Promise<TokenResponse | null> = async () => null;
/** The last refresh was refused by the server (no or revoked cookie), as opposed to a network failure. */
let refreshDenied = false;

function scheduleRefresh(): void {
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = null;
  if (!accessToken || !expiresAt) return;
  // Refresh a minute before expiry (or at 80% of a short lifetime).
  const lifetime = expiresAt - Date.now();
  const delay = Math.max(1000, Math.min(lifetime - 60_000, lifetime * 0.8));
  refreshTimer = setTimeout(() => void session.refresh(), delay);
}

function acrossTabs<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  return locks ? locks.request('chat-refresh', work) : work();
}

export const session = {
  /** The call that trades the refresh cookie for a token (set once by the API module). */
  useRefresher(fn: () => Promise<TokenResponse | null>): void {
    refreshFn = fn;
  },
  set(token: TokenResponse): void {
    accessToken = token.accessToken;
    expiresAt = token.expiresIn && token.expiresIn > 0 ? Date.now() + token.expiresIn * 1000 : 0;
    scheduleRefresh();
  },
  clear(): void {
    accessToken = null;
    expiresAt = 0;
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = null;
  },
  token(): string | null {
    return accessToken;
  },
  /** A token valid for at least 30 more seconds (refreshing first if needed); '' when signed out. */
  async fresh(): Promise<string> {
    if (accessToken && expiresAt && expiresAt - Date.now() < 30_000) await session.refresh();
    return accessToken ?? '';
  },
  /**
   * Exchange the refresh cookie for a new access token; false on failure. One request at a time in this tab, and
   * across tabs too (a Web Lock): the cookie rotates on every refresh and a replayed one ends the session, so a
   * second tab must wait and send the cookie the first one received.
   */
  refresh(): Promise<boolean> {
    if (!refreshing) {
      refreshing = acrossTabs(refreshFn)
        .then((t) => {
          refreshDenied = !(t && t.accessToken);
          if (t && t.accessToken) {
            session.set(t);
            return true;
          }
          return false;
        })
        .catch(() => {
          refreshDenied = false;
          return false;
        })
        .finally(() => {
          refreshing = null;
        });
    }
    return refreshing;
  },
  /** Resume the session a previous page left, only when the hint says there is one. */
  resume(): Promise<boolean> {
    return hasSessionHint() ? session.refresh() : Promise.resolve(false);
  },
  onUnauthorized(handler: () => void): void {
    unauthorizedHandler = handler;
  },
  unauthorized(): void {
    session.clear();
    unauthorizedHandler?.();
  },
  /** After a failed hub connect: get a new token; if the server refused the session, sign out. */
  async recover(): Promise<void> {
    if (!accessToken) return;
    if (!(await session.refresh()) && refreshDenied) session.unauthorized();
  },
};
