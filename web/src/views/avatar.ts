// Avatars (initials on a hue from the id) and presence dots / texts.

import { h } from '../dom';
import { lastSeenText } from '../format';
import type { Id } from '../model';
import type { Store } from '../state/store';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return '?';
  const chars = parts.length === 1 ? [...parts[0]].slice(0, 2) : [[...parts[0]][0], [...parts[parts.length - 1]][0]];
  return chars.join('').toUpperCase();
}

function hue(seed: string): number {
  let x = 0;
  for (let i = 0; i < seed.length; i++) x = (x * 31 + seed.charCodeAt(i)) >>> 0;
  return x % 360;
}

export function presenceDot(status: string): HTMLSpanElement {
  const s = status === 'online' || status === 'away' ? status : 'offline';
  return h('span', { class: `presence-dot ${s}`, 'data-presence': s, title: s });
}

export function paintAvatar(target: HTMLElement, name: string, seed: Id | string, status?: string): void {
  target.textContent = initials(name);
  target.style.setProperty('--avatar-hue', String(hue(String(seed) || name)));
  if (status) target.appendChild(presenceDot(status));
}

export function avatar(name: string, seed: Id | string, status?: string): HTMLSpanElement {
  const a = h('span', { class: 'avatar', 'aria-hidden': 'true' });
  paintAvatar(a, name, seed, status);
  return a;
}

/** "online", "away", "last seen 5 min ago"; '' while unknown. */
export function presenceText(s: Store, userId: Id | null): string {
  if (userId === null) return '';
  const p = s.presence.get(userId);
  if (!p) return '';
  if (p.status === 'online') return 'online';
  if (p.status === 'away') return 'away';
  return lastSeenText(p.lastSeen);
}
