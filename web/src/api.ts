// REST client for the Chat backend (same origin, relative URLs).

export type Id = string;

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

function asMessages(data: unknown): Message[] {
  if (Array.isArray(data)) return data as Message[];
  if (data && typeof data === 'object') {
    const obj = data as Record<string, unknown>;
    for (const key of ['messages', 'items', 'data']) {
      if (Array.isArray(obj[key])) return obj[key] as Message[];
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

export const api = {
  signUp(username: string, password: string, displayName?: string): Promise<User> {
    const body: Record<string, string> = { username, password };
    if (displayName) body.displayName = displayName;
    return request<User>('POST', '/api/identity/users', body, false);
  },
  login(username: string, password: string): Promise<TokenResponse> {
    return request<TokenResponse>('POST', '/api/identity/tokens', { username, password }, false);
  },
  me(): Promise<User> {
    return request<User>('GET', '/api/identity/users/me');
  },
  user(id: Id): Promise<User> {
    return request<User>('GET', `/api/identity/users/${encodeURIComponent(id)}`);
  },
  async searchUsers(prefix: string): Promise<User[]> {
    const data = await request<unknown>('GET', `/api/identity/users?search=${encodeURIComponent(prefix)}`);
    return asArray<User>(data, 'users');
  },
  openDirect(userId: Id): Promise<Conversation> {
    return request<Conversation>('POST', '/api/conversations/direct', { userId });
  },
  async conversations(): Promise<Conversation[]> {
    const data = await request<unknown>('GET', '/api/conversations');
    return asArray<Conversation>(data, 'conversations');
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
    return asMessages(data).slice().sort((a, b) => a.seq - b.seq);
  },
};
