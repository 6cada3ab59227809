// Pure text helpers (no DOM): system notices, safe link detection, sizes, days.

import type { Id, Message } from './model';

export type Segment = { text: string; href?: string };

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;

/** Only absolute http(s) URLs become links; anything else stays text. */
export function safeHref(raw: string): string | null {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** Split text into plain and link segments (trailing punctuation stays outside the link). */
export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    let url = match[0];
    const trail = /[.,;:!?)\]}]+$/.exec(url);
    if (trail) {
      let cut = trail[0];
      // Keep a closing parenthesis that balances one inside the URL.
      if (cut.startsWith(')') && (url.match(/\(/g)?.length ?? 0) > (url.slice(0, -cut.length).match(/\)/g)?.length ?? 0)) {
        cut = cut.slice(1);
      }
      url = url.slice(0, url.length - cut.length);
    }
    const start = match.index ?? 0;
    const href = safeHref(url);
    if (!href) continue;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ text: url, href });
    last = start + url.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

export function fileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function list(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** "Alice added Bob" etc. `name` resolves an id to a display name ("You" for me). */
export function systemText(msg: Pick<Message, 'system' | 'text'>, name: (id: Id) => string): string {
  const s = msg.system;
  if (!s) return msg.text || '';
  const actor = name(s.actorId);
  const users = list(s.userIds.map(name));
  switch (s.event) {
    case 'created':
      return s.title ? `${actor} created the group “${s.title}”` : `${actor} created the conversation`;
    case 'member-added':
      return `${actor} added ${users}`;
    case 'member-removed':
      return `${actor} removed ${users}`;
    case 'member-left':
      return `${users || actor} left`;
    case 'renamed':
      return `${actor} renamed the group to “${s.title ?? ''}”`;
    case 'owner-changed':
      return `${users || actor} ${users === 'You' ? 'are' : 'is'} now the owner`;
    default:
      return msg.text || s.event;
  }
}

export function dayKey(iso: string | null | undefined): string {
  const d = iso ? new Date(iso) : new Date();
  return Number.isNaN(d.getTime()) ? '' : `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function dayLabel(iso: string | null | undefined, now = new Date()): string {
  const d = iso ? new Date(iso) : new Date();
  if (Number.isNaN(d.getTime())) return '';
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const that = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((today - that) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return d.toLocaleDateString([], {
    weekday: days < 7 ? 'long' : undefined,
    year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric',
    month: 'long',
    day: 'numeric',
  });
}

export function lastSeenText(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'offline';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'offline';
  const mins = Math.floor((now - t) / 60_000);
  if (mins < 1) return 'last seen just now';
  if (mins < 60) return `last seen ${mins} min ago`;
  const hours = Math.floor(mins / 60);
  if (hours < 24) return `last seen ${hours} h ago`;
  return `last seen ${new Date(t).toLocaleDateString([], { month: 'short', day: 'numeric' })}`;
}
