// Errors from HTTP (ProblemDetails) and the hub (HubException "code: text"), and their texts for people.

export interface ProblemDetails {
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

export function problemMessage(status: number, problem: ProblemDetails | null, fallback: string): string {
  if (problem) {
    const msg = problem.detail || firstValidationError(problem.errors) || problem.title;
    if (msg) return msg;
  }
  if (status === 401) return 'Not authorized.';
  if (status === 0) return 'Cannot reach the server.';
  return fallback || `Request failed (HTTP ${status}).`;
}

export function retryAfterSeconds(value: string | null): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, Math.ceil((t - Date.now()) / 1000));
}

/** The problem code of an error: `conversation-not-found` from a ProblemDetails type or a hub error message. */
export function problemCode(err: unknown): string {
  if (err instanceof ApiError && err.problem?.type) return err.problem.type.split('/').pop() ?? '';
  if (err instanceof Error) {
    const m = /(?:HubException: )?([a-z][a-z-]+):/.exec(err.message);
    if (m) return m[1];
  }
  return '';
}

/**
 * Seconds a refusal that stored nothing asks to wait before the same call again ("...; retry after 2 s"): `rate-limited`,
 * or `service-unavailable` while a service the server needs is down; null for any other error.
 */
export function rateLimitWait(err: unknown): number | null {
  const code = problemCode(err);
  if ((code !== 'rate-limited' && code !== 'service-unavailable') || !(err instanceof Error)) return null;
  const m = /retry after (\d+) s/.exec(err.message);
  return m ? Math.max(1, Number(m[1])) : 1;
}

/** Hub error text without SignalR's prefix. */
export function hubErrorText(err: unknown): string {
  if (!(err instanceof Error)) return 'Something went wrong.';
  return err.message.replace(/^.*HubException: /, '').replace(/^[a-z][a-z-]+: /, '') || err.message;
}
