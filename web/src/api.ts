// REST calls of the Chat backend (same origin, relative URLs), answers normalised into the client's model.

import { ApiError, problemMessage, type ProblemDetails } from './errors';
import { listOf, parse, request, send } from './http';
import { megabytes } from './limits';
import {
  normConversation,
  normId,
  normMedia,
  normMessage,
  normUser,
  type Conversation,
  type GroupAdds,
  type Id,
  type MediaInfo,
  type Message,
  type PresenceInfo,
  type User,
} from './model';
import { session, type TokenResponse } from './session';

const conv = (id: Id): string => `/api/conversations/${id}`;

/** A limits answer, or null when the server has none (404 before it learnt to say) or cannot answer now. */
async function optional(url: string): Promise<unknown> {
  try {
    return await request<unknown>('GET', url);
  } catch {
    return null;
  }
}

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
    return listOf<unknown>(await request<unknown>('GET', '/api/identity/users/me/blocks'), 'blocks').map(normUser).filter((u) => u.id !== 0);
  },
  /** 503 `blocks-unavailable` when it cannot be applied right now; 404 `user-not-found`. */
  async block(userId: Id): Promise<void> {
    await request<unknown>('PUT', `/api/identity/users/me/blocks/${userId}`);
  },
  async unblock(userId: Id): Promise<void> {
    await request<unknown>('DELETE', `/api/identity/users/me/blocks/${userId}`);
  },
  async user(id: Id): Promise<User> {
    return normUser(await request<unknown>('GET', `/api/identity/users/${id}`));
  },
  async searchUsers(prefix: string): Promise<User[]> {
    const data = await request<unknown>('GET', `/api/identity/users?search=${encodeURIComponent(prefix)}`);
    return listOf<unknown>(data, 'users').map(normUser).filter((u) => u.id !== 0);
  },
  /** Both limits answers (null for one the server does not give). */
  async limits(): Promise<unknown[]> {
    return Promise.all([optional('/api/conversations/limits'), optional('/api/media/limits')]);
  },
  async openDirect(userId: Id): Promise<Conversation> {
    return normConversation(await request<unknown>('POST', '/api/conversations/direct', { userId }));
  },
  async createGroup(title: string, memberIds: Id[]): Promise<Conversation> {
    return normConversation(await request<unknown>('POST', '/api/conversations/groups', { title, memberIds }));
  },
  async rename(id: Id, title: string): Promise<Conversation> {
    return normConversation(await request<unknown>('PATCH', conv(id), { title }));
  },
  async addMember(id: Id, userId: Id): Promise<Conversation> {
    return normConversation(await request<unknown>('POST', `${conv(id)}/members`, { userId }));
  },
  async removeMember(id: Id, userId: Id): Promise<void> {
    await request<unknown>('DELETE', `${conv(id)}/members/${userId}`);
  },
  async conversations(): Promise<Conversation[]> {
    const data = await request<unknown>('GET', '/api/conversations');
    return listOf<unknown>(data, 'conversations').map(normConversation).filter((c) => c.id !== 0);
  },
  async messages(conversationId: Id, opts: { before?: number; after?: number; limit?: number }): Promise<Message[]> {
    const params = new URLSearchParams();
    if (opts.before !== undefined) params.set('before', String(opts.before));
    if (opts.after !== undefined) params.set('after', String(opts.after));
    if (opts.limit !== undefined) params.set('limit', String(opts.limit));
    const qs = params.toString();
    const data = await request<unknown>('GET', `${conv(conversationId)}/messages${qs ? `?${qs}` : ''}`);
    return listOf<unknown>(data, 'messages')
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
      const data = await request<unknown>('GET', `/api/presence?userIds=${userIds.slice(i, i + 200).join(',')}`);
      for (const p of listOf<Record<string, unknown>>(data, 'presence')) {
        out.push({ userId: normId(p.userId), status: String(p.status ?? 'offline'), lastSeen: (p.lastSeen as string) ?? null });
      }
    }
    return out;
  },
  async mediaInfo(id: Id): Promise<MediaInfo> {
    return normMedia(await request<unknown>('GET', `/api/media/${id}/info`));
  },
  /** Deletes an upload no message carries yet (only its uploader may; a sent one answers 409 `media-attached`). */
  async deleteMedia(id: Id): Promise<void> {
    await request<unknown>('DELETE', `/api/media/${id}`);
  },
  /** Multipart upload with progress (XMLHttpRequest: fetch has no upload progress). */
  upload(conversationId: Id, file: File, maxBytes: number, onProgress: (fraction: number) => void): { promise: Promise<MediaInfo>; abort: () => void } {
    const xhr = new XMLHttpRequest();
    const promise = (async () => {
      const token = await session.fresh();
      return new Promise<MediaInfo>((resolve, reject) => {
        xhr.open('POST', `/api/media?conversationId=${conversationId}`);
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
            ? problem?.detail || `File is too large (the limit is ${megabytes(maxBytes)}).`
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

session.useRefresher(api.refresh);
