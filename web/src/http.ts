// JSON over fetch, same origin: bearer token, one refresh-and-retry on a 401, ProblemDetails into ApiError.

import { ApiError, problemMessage, retryAfterSeconds, type ProblemDetails } from './errors';
import { session } from './session';

export async function send(method: string, url: string, body: unknown, auth: boolean): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = session.token();
  if (auth && token) headers.Authorization = `Bearer ${token}`;
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

function toError(res: Response, data: unknown): ApiError {
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

export async function parse(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function request<T>(method: string, url: string, body?: unknown, auth = true): Promise<T> {
  let res = await send(method, url, body, auth);
  if (res.status === 401 && auth && session.token()) {
    // The access token expired under us: refresh once, then retry once.
    if (await session.refresh()) res = await send(method, url, body, auth);
    if (res.status === 401) session.unauthorized();
  }
  const data = await parse(res);
  if (!res.ok) throw toError(res, data);
  return data as T;
}

/** A list answer, bare or wrapped (`{messages: [...]}`, `{items: [...]}`). */
export function listOf<T>(data: unknown, ...keys: string[]): T[] {
  if (Array.isArray(data)) return data as T[];
  if (data && typeof data === 'object') {
    const obj = data as Record<string, unknown>;
    for (const key of [...keys, 'items', 'data']) if (Array.isArray(obj[key])) return obj[key] as T[];
  }
  return [];
}
