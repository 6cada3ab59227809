// Who people are: names looked up once per user (and retried later), titles of conversations.

import { ApiError } from '../errors';
import { normId, type Id, type User } from '../model';
import type { ConvState } from './convState';
import type { Store } from './store';

export function rememberUser(s: Store, user: Partial<User> & { id: unknown }): void {
  const id = normId(user.id);
  if (!id) return;
  const prev = s.users.get(id);
  const merged: User = {
    id,
    username: user.username || prev?.username || '',
    displayName: user.displayName || prev?.displayName || null,
  };
  if (!prev || prev.username !== merged.username || prev.displayName !== merged.displayName) {
    s.users.set(id, merged);
    if (s.me && s.me.id === id) s.me = { ...s.me, ...merged };
    s.changedPeople();
  }
}

/** Display name of a user; starts a lookup (and re-renders when it completes) if unknown. */
export function userName(s: Store, id: unknown): string {
  const key = normId(id);
  const u = s.users.get(key);
  if (u && (u.displayName || u.username)) return (u.displayName || u.username) as string;
  void ensureUser(s, key);
  return 'Unknown user';
}

/** "You" for the signed-in user. */
export function senderName(s: Store, id: unknown): string {
  return s.isMe(id) ? 'You' : userName(s, id);
}

function ensureUser(s: Store, id: Id): Promise<void> {
  if (!id) return Promise.resolve();
  const known = s.users.get(id);
  if (known && (known.username || known.displayName)) return Promise.resolve();
  let p = s.userRequests.get(id);
  if (!p) {
    const gen = s.generation;
    p = s.api
      .user(id)
      .then((u) => {
        if (gen === s.generation && u) rememberUser(s, { ...u, id });
      })
      .catch((err: unknown) => {
        if (gen !== s.generation || (err instanceof ApiError && err.status === 404)) return;
        // Ask again later (a new render asks once the request is forgotten).
        setTimeout(() => {
          if (gen !== s.generation || s.userRequests.get(id) !== p) return;
          s.userRequests.delete(id);
          s.changedPeople();
        }, 10_000);
      });
    s.userRequests.set(id, p);
  }
  return p;
}

export function otherMember(s: Store, cs: ConvState): Id | null {
  const other = (cs.conv.members || []).find((m) => !s.isMe(m.userId));
  return other ? other.userId : null;
}

export function title(s: Store, cs: ConvState): string {
  if (cs.conv.kind === 'direct') {
    const other = otherMember(s, cs);
    if (other !== null) return userName(s, other);
    return cs.conv.title || 'Direct chat';
  }
  if (cs.conv.title) return cs.conv.title;
  const names = (cs.conv.members || []).filter((m) => !s.isMe(m.userId)).map((m) => userName(s, m.userId));
  return names.length ? names.join(', ') : 'Group';
}

export function isOwner(s: Store, cs: ConvState): boolean {
  return cs.conv.kind === 'group' && s.isMe(cs.conv.ownerId);
}
