// Who is online: presence pushes, and one lookup per member not asked about yet.

import { normId, type Id, type PresenceInfo } from '../model';
import type { Store } from './store';

export function setPresence(s: Store, data: Record<string, unknown>): void {
  const userId = normId(data.userId);
  if (!userId) return;
  s.presence.set(userId, {
    status: String(data.status ?? 'offline').toLowerCase(),
    lastSeen: (data.lastSeen as string | null | undefined) ?? null,
  });
  s.changedPeople();
}

/** Fetch presence of every member we have not asked about yet (or everyone with `all`). */
export async function loadPresence(s: Store, all = false): Promise<void> {
  const ids = new Set<Id>();
  for (const cs of s.convs.values()) {
    for (const m of cs.conv.members) {
      if (m.userId && !s.isMe(m.userId) && (all || !s.presenceAsked.has(m.userId))) ids.add(m.userId);
    }
  }
  if (!ids.size) return;
  const gen = s.generation;
  ids.forEach((id) => s.presenceAsked.add(id));
  let list: PresenceInfo[];
  try {
    list = await s.api.presence([...ids]);
  } catch {
    ids.forEach((id) => s.presenceAsked.delete(id));
    return;
  }
  if (gen !== s.generation) return;
  for (const p of list) setPresence(s, p as unknown as Record<string, unknown>);
}

/** "online" / "away" / "offline" for a user (undefined for no user). */
export function presenceStatus(s: Store, userId: Id | null): string | undefined {
  if (userId === null) return undefined;
  return s.presence.get(userId)?.status ?? 'offline';
}
