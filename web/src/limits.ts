// The server's limits, learnt after sign-in (GET /api/conversations/limits, /api/media/limits); today's values until then.

export interface Limits {
  maxMessageLength: number;
  maxGroupMembers: number;
  /** Infinity while the server has not said. */
  maxAttachmentsPerMessage: number;
  maxUploadBytes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxMessageLength: 100_000,
  maxGroupMembers: 50,
  maxAttachmentsPerMessage: Number.POSITIVE_INFINITY,
  maxUploadBytes: 25 * 1024 * 1024,
});

/** `base` with every positive whole number the answers carry; anything else (a 404's null, junk) keeps the base. */
export function mergeLimits(base: Limits, ...answers: unknown[]): Limits {
  const out = { ...base };
  for (const answer of answers) {
    if (!answer || typeof answer !== 'object') continue;
    for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
      const value = (answer as Record<string, unknown>)[key];
      if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) out[key] = value;
    }
  }
  return out;
}

/** "25 MB" */
export function megabytes(bytes: number): string {
  return `${Math.round(bytes / 1048576)} MB`;
}
