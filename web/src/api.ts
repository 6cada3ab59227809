// REST client for the Chat backend (same origin, relative URLs).

/**
 * Every id inside the client is a string. The backend sends JSON numbers (`senderId: 1`), other
 * sources (dataset attributes, sessionStorage, URLs) give strings, so ids are normalised here, at the
 * API boundary, and all maps / comparisons use the string form. `wireId` gives back the value the
 * server originally sent (e.g. the number 1) for hub invocations and JSON bodies, whose binders
 * expect the server's own type.
 */
export type Id = string;

const wireValues = new Map<string, number | string>();

/** Canonical string form of an id (`1`, `"1"` → `"1"`); '' when absent. */
export function normId(value: unknown): Id {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    const key = String(value);
    wireValues.set(key, value);
    return key;
  }
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'string') {
    if (!wireValues.has(value)) wireValues.set(value, value);
    return value;
  }
  return '';
}

/** The id as the server sent it (number for a numeric backend), for request bodies / hub arguments. */
export function wireId(id: Id): number | string {
  return wireValues.get(id) ?? id;
}

/** Same id? Tolerates number vs string. */
export function sameId(a: unknown, b: unknown): boolean {
  const ka = normId(a);
  return ka !== '' && ka === normId(b);
}

export interface User {
  id: Id;
  username: string;
  displayName?: string | null;
  /** Only on `me`: who may add this user to groups. */
  groupAdds?: string | null;
}

/** Who may add me to groups, as the server spells it ("contacts": people I already share a conversation with). */
export type GroupAdds = 'everyone' | 'contacts' | 'nobody';

/** The choices of the "Who can add me to groups" select, in order: label shown, value sent. */
export const GROUP_ADDS_CHOICES: readonly { value: GroupAdds; label: string }[] = [
  { value: 'everyone', label: 'Everyone' },
  { value: 'contacts', label: 'People I’ve talked with' },
  { value: 'nobody', label: 'Nobody' },
];

/** A select's value as a wire value; null for anything else. */
export function toGroupAdds(value: unknown): GroupAdds | null {
  return GROUP_ADDS_CHOICES.find((c) => c.value === value)?.value ?? null;
}

export interface Member {
  userId: Id;
  lastReadSeq?: number | null;
  [key: string]: unknown;
}

export interface SystemInfo {
  event: string;
  actorId: Id;
  userIds: Id[];
  title?: string | null;
}

export interface Message {
  conversationId: Id;
  seq: number;
  senderId: Id;
  clientMessageId?: string | null;
  kind?: 'text' | 'system' | string;
  text: string;
  media?: Id[];
  system?: SystemInfo | null;
  createdAt?: string | null;
  editedAt?: string | null;
  deletedAt?: string | null;
  version?: number;
}

export interface Conversation {
  id: Id;
  kind: 'direct' | 'group' | string;
  title?: string | null;
  ownerId?: Id | null;
  members: Member[];
  lastSeq: number;
  lastReadSeq?: number | null;
  unreadCount?: number | null;
  lastMessage?: Message | null;
  createdAt?: string | null;
  version?: number;
  [key: string]: unknown;
}

export interface PresenceInfo {
  userId: Id;
  status: string;
  lastSeen?: string | null;
}

export interface MediaInfo {
  id: Id;
  conversationId?: Id;
  contentType: string;
  size: number;
  fileName?: string | null;
  width?: number | null;
  height?: number | null;
  url: string;
  thumbnailUrl?: string | null;
}

export interface TokenResponse {
  accessToken: string;
  expiresIn?: number;
}

interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Record<string, string[] | string> | unknown;
}

export class ApiError extends Error {
  readonly status: number;
  retryAfter?: number;
  readonly problem: ProblemDetails | null;
  constructor(status: number, message: string, problem: ProblemDetails | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

/** Human readable text for any error thrown by the API layer (or elsewhere). */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong.';
}

function firstValidationError(errors: unknown): string | undefined {
  if (!errors || typeof errors !== 'object') return undefined;
  for (const value of Object.values(errors as Record<string, unknown>)) {
    if (Array.isArray(value)) {
      const first = value.find((v) => typeof v === 'string' && v.trim());
      if (typeof first === 'string') return first;
    } else if (typeof value === 'string' && value.trim()) {
      return value;
    }
  }
  return undefined;
}

function problemMessage(status: number, problem: ProblemDetails | null, fallback: string): string {
  if (problem) {
    const msg = problem.detail || firstValidationError(problem.errors) || problem.title;
    if (msg) return msg;
  }
  if (status === 401) return 'Not authorized.';
  if (status === 0) return 'Cannot reach the server.';
  return fallback || `Request failed (HTTP ${status}).`;
}

// ---- session: access token in memory only; the HttpOnly refresh cookie keeps it across reloads ----

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
  onUnauthorized(handler: () => void): void {
    unauthorizedHandler = handler;
  },
  /** After a failed hub connect: get a new token; if the server refused the session, sign out. */
  async recover(): Promise<void> {
    if (!accessToken) return;
    if (!(await session.refresh()) && refreshDenied) {
      session.clear();
      unauthorizedHandler?.();
    }
  },
};

// ---- HTTP ----

async function send(method: string, url: string, body: unknown, auth: boolean): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth && accessToken) headers.Authorization = `Bearer ${accessToken}`;
  try {
    return await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'Cannot reach the server.', null);
  }
}

export function retryAfterSeconds(value: string | null): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, Math.ceil((t - Date.now()) / 1000));
}

async function toError(res: Response, data: unknown): Promise<ApiError> {
  const problem = data && typeof data === 'object' ? (data as ProblemDetails) : null;
  const err = new ApiError(res.status, problemMessage(res.status, problem, res.statusText), problem);
  if (res.status === 429) {
    err.retryAfter = retryAfterSeconds(res.headers.get('Retry-After'));
    if (!problem?.detail) {
      err.message = err.retryAfter !== undefined
        ? `Too many attempts. Try again in ${err.retryAfter} seconds.`
        : 'Too many attempts. Try again later.';
    }
  }
  return err;
}

async function parse(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function request<T>(method: string, url: string, body?: unknown, auth = true): Promise<T> {
  let res = await send(method, url, body, auth);
  if (res.status === 401 && auth && accessToken) {
    // The access token expired under us: refresh once, then retry once.
    if (await session.refresh()) res = await send(method, url, body, auth);
    if (res.status === 401) {
      session.clear();
      unauthorizedHandler?.();
    }
  }
  const data = await parse(res);
  if (!res.ok) throw await toError(res, data);
  return data as T;
}

function asMessages(data: unknown): unknown[] {
  if (Array.isArray(data)) return data;
  if (data && typeof data === 'object') {
    const obj = data as Record<string, unknown>;
    for (const key of ['messages', 'items', 'data']) {
      if (Array.isArray(obj[key])) return obj[key] as unknown[];
    }
  }
  return [];
}

function asArray<T>(data: unknown, key: string): T[] {
  if (Array.isArray(data)) return data as T[];
  if (data && typeof data === 'object') {
    const obj = data as Record<string, unknown>;
    if (Array.isArray(obj[key])) return obj[key] as T[];
    if (Array.isArray(obj.items)) return obj.items as T[];
  }
  return [];
}

// ---- normalisation (applied to everything that comes from the server) ----

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export function normUser(data: unknown): User {
  const u = (isObj(data) ? data : {}) as Obj;
  return {
    ...u,
    id: normId(u.id ?? u.userId),
    username: typeof u.username === 'string' ? u.username : '',
    displayName: typeof u.displayName === 'string' ? u.displayName : null,
  } as User;
}

function normMember(data: unknown): Member {
  if (!isObj(data)) return { userId: normId(data) };
  return { ...data, userId: normId(data.userId ?? data.id) } as Member;
}

export function normMessage(data: unknown): Message {
  const m = (isObj(data) ? data : {}) as Obj;
  const seq = typeof m.seq === 'number' ? m.seq : Number(m.seq);
  const out = { ...m, conversationId: normId(m.conversationId), senderId: normId(m.senderId), seq } as Message;
  out.text = typeof m.text === 'string' ? m.text : '';
  out.media = Array.isArray(m.media) ? m.media.map((x) => normId(isObj(x) ? x.id : x)).filter(Boolean) : [];
  if (isObj(m.system)) {
    const sys = m.system;
    out.system = {
      event: String(sys.event ?? ''),
      actorId: normId(sys.actorId),
      userIds: Array.isArray(sys.userIds) ? sys.userIds.map(normId).filter(Boolean) : [],
      title: typeof sys.title === 'string' ? sys.title : null,
    };
  } else out.system = null;
  if (m.version !== undefined && m.version !== null) out.version = Number(m.version);
  return out;
}

export function normConversation(data: unknown): Conversation {
  const c = (isObj(data) ? data : {}) as Obj;
  const conv = { ...c, id: normId(c.id ?? c.conversationId) } as Conversation;
  conv.members = Array.isArray(c.members) ? c.members.map(normMember).filter((m) => m.userId !== '') : [];
  if (isObj(c.lastMessage)) {
    const last = normMessage(c.lastMessage);
    if (!last.conversationId) last.conversationId = conv.id;
    conv.lastMessage = last;
  } else {
    conv.lastMessage = null;
  }
  conv.lastSeq = Number(c.lastSeq ?? 0) || 0;
  if (c.ownerId !== undefined && c.ownerId !== null) conv.ownerId = normId(c.ownerId);
  if (c.version !== undefined && c.version !== null) conv.version = Number(c.version);
  return conv;
}

export function normMedia(data: unknown): MediaInfo {
  const m = (isObj(data) ? data : {}) as Obj;
  return {
    ...m,
    id: normId(m.id),
    conversationId: normId(m.conversationId),
    contentType: String(m.contentType ?? 'application/octet-stream'),
    size: Number(m.size ?? 0),
    url: String(m.url ?? ''),
  } as MediaInfo;
}

/** Hub events (presence, read markers, typing): normalise their id fields. */
export function normEvent(data: Obj): Obj {
  const out: Obj = { ...data };
  for (const key of ['userId', 'conversationId', 'senderId']) {
    if (out[key] !== undefined && out[key] !== null) out[key] = normId(out[key]);
  }
  return out;
}

const conv = (id: Id): string => `/api/conversations/${encodeURIComponent(id)}`;

export const api = {
  async signUp(username: string, password: string, displayName?: string): Promise<User> {
    const body: Record<string, string> = { username, password };
    if (displayName) body.displayName = displayName;
    return normUser(await request<unknown>('POST', '/api/identity/users', body, false));
  },
  async login(username: string, password: string): Promise<TokenResponse> {
    const t = await request<TokenResponse>('POST', '/api/identity/tokens', { username, password }, false);
    if (!t || !t.accessToken) throw new Error('Login failed: no token received.');
    session.set(t);
    return t;
  },
  /** New access token from the refresh cookie; null when there is no (valid) session. */
  async refresh(): Promise<TokenResponse | null> {
    const res = await send('POST', '/api/identity/tokens/refresh', undefined, false);
    if (res.status >= 500) throw new ApiError(res.status, 'Server unavailable.', null);
    if (!res.ok) return null;
    const data = (await parse(res)) as TokenResponse | null;
    return data && data.accessToken ? data : null;
  },
  async logout(): Promise<void> {
    try {
      await send('DELETE', '/api/identity/tokens', undefined, true);
    } finally {
      session.clear();
    }
  },
  async me(): Promise<User> {
    return normUser(await request<unknown>('GET', '/api/identity/users/me'));
  },
  async updateMe(changes: string | { displayName?: string; groupAdds?: GroupAdds }): Promise<User> {
    const body = typeof changes === 'string' ? { displayName: changes } : changes;
    return normUser(await request<unknown>('PATCH', '/api/identity/users/me', body));
  },
  /** The users I blocked. */
  async blocks(): Promise<User[]> {
    const data = await request<unknown>('GET', '/api/identity/users/me/blocks');
    return asArray<unknown>(data, 'blocks').map(normUser).filter((u) => u.id !== '');
  },
  /** 503 `blocks-unavailable` when it cannot be applied right now; 404 `user-not-found`. */
  async block(userId: Id): Promise<void> {
    await request<unknown>('PUT', `/api/identity/users/me/blocks/${encodeURIComponent(userId)}`);
  },
  async unblock(userId: Id): Promise<void> {
    await request<unknown>('DELETE', `/api/identity/users/me/blocks/${encodeURIComponent(userId)}`);
  },
  async user(id: Id): Promise<User> {
    return normUser(await request<unknown>('GET', `/api/identity/users/${encodeURIComponent(id)}`));
  },
  async searchUsers(prefix: string): Promise<User[]> {
    const data = await request<unknown>('GET', `/api/identity/users?search=${encodeURIComponent(prefix)}`);
    return asArray<unknown>(data, 'users').map(normUser).filter((u) => u.id !== '');
  },
  async openDirect(userId: Id): Promise<Conversation> {
    return normConversation(await request<unknown>('POST', '/api/conversations/direct', { userId: wireId(userId) }));
  },
  async createGroup(title: string, memberIds: Id[]): Promise<Conversation> {
    return normConversation(
      await request<unknown>('POST', '/api/conversations/groups', { title, memberIds: memberIds.map(wireId) }),
    );
  },
  async rename(id: Id, title: string): Promise<Conversation> {
    return normConversation(await request<unknown>('PATCH', conv(id), { title }));
  },
  async addMember(id: Id, userId: Id): Promise<Conversation> {
    return normConversation(await request<unknown>('POST', `${conv(id)}/members`, { userId: wireId(userId) }));
  },
  async removeMember(id: Id, userId: Id): Promise<void> {
    await request<unknown>('DELETE', `${conv(id)}/members/${encodeURIComponent(userId)}`);
  },
  async conversations(): Promise<Conversation[]> {
    const data = await request<unknown>('GET', '/api/conversations');
    return asArray<unknown>(data, 'conversations').map(normConversation).filter((c) => c.id !== '');
  },
  async messages(conversationId: Id, opts: { before?: number; after?: number; limit?: number }): Promise<Message[]> {
    const params = new URLSearchParams();
    if (opts.before !== undefined) params.set('before', String(opts.before));
    if (opts.after !== undefined) params.set('after', String(opts.after));
    if (opts.limit !== undefined) params.set('limit', String(opts.limit));
    const qs = params.toString();
    const data = await request<unknown>('GET', `${conv(conversationId)}/messages${qs ? `?${qs}` : ''}`);
    return asMessages(data)
      .map((raw) => {
        const m = normMessage(raw);
        if (!m.conversationId) m.conversationId = conversationId;
        return m;
      })
      .filter((m) => Number.isFinite(m.seq))
      .sort((a, b) => a.seq - b.seq);
  },
  async presence(userIds: Id[]): Promise<PresenceInfo[]> {
    const out: PresenceInfo[] = [];
    for (let i = 0; i < userIds.length; i += 200) {
      const chunk = userIds.slice(i, i + 200).map((id) => encodeURIComponent(id)).join(',');
      const data = await request<unknown>('GET', `/api/presence?userIds=${chunk}`);
      for (const p of asArray<Obj>(data, 'presence')) {
        out.push({ userId: normId(p.userId), status: String(p.status ?? 'offline'), lastSeen: (p.lastSeen as string) ?? null });
      }
    }
    return out;
  },
  async mediaInfo(id: Id): Promise<MediaInfo> {
    return normMedia(await request<unknown>('GET', `/api/media/${encodeURIComponent(id)}/info`));
  },
  /** Deletes an upload no message carries yet (only its uploader may; a sent one answers 409 `media-attached`). */
  async deleteMedia(id: Id): Promise<void> {
    await request<unknown>('DELETE', `/api/media/${encodeURIComponent(id)}`);
  },
  /** Multipart upload with progress (XMLHttpRequest: fetch has no upload progress). */
  upload(conversationId: Id, file: File, onProgress: (fraction: number) => void): { promise: Promise<MediaInfo>; abort: () => void } {
    const xhr = new XMLHttpRequest();
    const promise = (async () => {
      const token = await session.fresh();
      return new Promise<MediaInfo>((resolve, reject) => {
        xhr.open('POST', `/api/media?conversationId=${encodeURIComponent(conversationId)}`);
        if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
        xhr.setRequestHeader('Accept', 'application/json');
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) onProgress(e.loaded / e.total);
        };
        xhr.onload = () => {
          let data: unknown = null;
          try {
            data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
          } catch {
            data = null;
          }
          if (xhr.status >= 200 && xhr.status < 300) {
            onProgress(1);
            resolve(normMedia(data));
            return;
          }
          const problem = data && typeof data === 'object' ? (data as ProblemDetails) : null;
          const msg = xhr.status === 413
            ? problem?.detail || 'File is too large (the limit is 25 MB).'
            : problemMessage(xhr.status, problem, `Upload failed (HTTP ${xhr.status}).`);
          reject(new ApiError(xhr.status, msg, problem));
        };
        xhr.onerror = () => reject(new ApiError(0, 'Upload failed: cannot reach the server.', null));
        xhr.onabort = () => reject(new ApiError(0, 'Upload cancelled.', null));
        const form = new FormData();
        form.append('file', file, file.name);
        xhr.send(form);
      });
    })();
    return { promise, abort: () => xhr.abort() };
  },
};

refreshFn = api.refresh;

/** The problem code of an error: `conversation-not-found` from a ProblemDetails type or a hub error message. */
export function problemCode(err: unknown): string {
  if (err instanceof ApiError && err.problem?.type) return err.problem.type.split('/').pop() ?? '';
  if (err instanceof Error) {
    const m = /(?:HubException: )?([a-z][a-z-]+):/.exec(err.message);
    if (m) return m[1];
  }
  return '';
}

/** Seconds a `rate-limited` refusal asks to wait ("...; retry after 2 s"), or null for any other error. */
export function rateLimitWait(err: unknown): number | null {
  if (problemCode(err) !== 'rate-limited' || !(err instanceof Error)) return null;
  const m = /retry after (\d+) s/.exec(err.message);
  return m ? Math.max(1, Number(m[1])) : 1;
}

/** Hub error text without SignalR's prefix. */
export function hubErrorText(err: unknown): string {
  if (!(err instanceof Error)) return 'Something went wrong.';
  return err.message.replace(/^.*HubException: /, '').replace(/^[a-z][a-z-]+: /, '') || err.message;
}
