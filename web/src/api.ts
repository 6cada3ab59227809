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
}

export interface Member {
  userId: Id;
  username?: string | null;
  displayName?: string | null;
  [key: string]: unknown;
}

export interface Message {
  conversationId: Id;
  seq: number;
  senderId: Id;
  clientMessageId?: string | null;
  text: string;
  media?: unknown;
  createdAt?: string | null;
}

export interface Conversation {
  id: Id;
  kind: 'direct' | 'group' | string;
  title?: string | null;
  members: Member[];
  lastSeq: number;
  lastReadSeq?: number | null;
  unreadCount?: number | null;
  lastMessage?: Message | null;
  [key: string]: unknown;
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

// ---- session (per tab: sessionStorage) ----

const TOKEN_KEY = 'chat.accessToken';
const EXPIRES_KEY = 'chat.expiresAt';

let accessToken: string | null = null;
let unauthorizedHandler: (() => void) | null = null;

export const session = {
  load(): string | null {
    try {
      const token = sessionStorage.getItem(TOKEN_KEY);
      const expiresAt = Number(sessionStorage.getItem(EXPIRES_KEY) || '0');
      if (token && (!expiresAt || expiresAt > Date.now())) {
        accessToken = token;
        return token;
      }
    } catch {
      /* storage unavailable */
    }
    session.clear();
    return null;
  },
  set(token: TokenResponse): void {
    accessToken = token.accessToken;
    try {
      sessionStorage.setItem(TOKEN_KEY, token.accessToken);
      if (token.expiresIn && token.expiresIn > 0) {
        sessionStorage.setItem(EXPIRES_KEY, String(Date.now() + token.expiresIn * 1000));
      } else {
        sessionStorage.removeItem(EXPIRES_KEY);
      }
    } catch {
      /* storage unavailable: keep in memory only */
    }
  },
  clear(): void {
    accessToken = null;
    try {
      sessionStorage.removeItem(TOKEN_KEY);
      sessionStorage.removeItem(EXPIRES_KEY);
    } catch {
      /* ignore */
    }
  },
  token(): string | null {
    return accessToken;
  },
  onUnauthorized(handler: () => void): void {
    unauthorizedHandler = handler;
  },
};

// ---- HTTP ----

async function request<T>(method: string, url: string, body?: unknown, auth = true): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth && accessToken) headers.Authorization = `Bearer ${accessToken}`;

  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'Cannot reach the server.', null);
  }

  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }

  if (!res.ok) {
    const problem = data && typeof data === 'object' ? (data as ProblemDetails) : null;
    const err = new ApiError(res.status, problemMessage(res.status, problem, res.statusText), problem);
    if (res.status === 401 && auth && accessToken && unauthorizedHandler) unauthorizedHandler();
    throw err;
  }
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
  return { ...m, conversationId: normId(m.conversationId), senderId: normId(m.senderId), seq } as Message;
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
  if (c.ownerId !== undefined && c.ownerId !== null) conv.ownerId = normId(c.ownerId);
  return conv;
}

/** Hub events (presence, read markers, typing): normalise their id fields. */
export function normEvent(data: Obj): Obj {
  const out: Obj = { ...data };
  for (const key of ['userId', 'conversationId', 'senderId']) {
    if (out[key] !== undefined && out[key] !== null) out[key] = normId(out[key]);
  }
  return out;
}

export const api = {
  async signUp(username: string, password: string, displayName?: string): Promise<User> {
    const body: Record<string, string> = { username, password };
    if (displayName) body.displayName = displayName;
    return normUser(await request<unknown>('POST', '/api/identity/users', body, false));
  },
  login(username: string, password: string): Promise<TokenResponse> {
    return request<TokenResponse>('POST', '/api/identity/tokens', { username, password }, false);
  },
  async me(): Promise<User> {
    return normUser(await request<unknown>('GET', '/api/identity/users/me'));
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
    const data = await request<unknown>(
      'GET',
      `/api/conversations/${encodeURIComponent(conversationId)}/messages${qs ? `?${qs}` : ''}`,
    );
    return asMessages(data)
      .map((raw) => {
        const m = normMessage(raw);
        if (!m.conversationId) m.conversationId = conversationId;
        return m;
      })
      .filter((m) => Number.isFinite(m.seq))
      .sort((a, b) => a.seq - b.seq);
  },
};
