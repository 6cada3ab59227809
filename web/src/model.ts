// The contract's shapes as the client holds them, and their normalisation (applied to everything from the server).

/**
 * Ids are numbers, as in the contract. Other sources (dataset attributes, sessionStorage) give strings: `normId`
 * turns anything into the number, and 0 means "no id" (the server's ids start at 1).
 */
export type Id = number;

export function normId(value: unknown): Id {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

export interface User {
  id: Id;
  username: string;
  displayName?: string | null;
  /** Only on `me`: who may add this user to groups. */
  groupAdds?: string | null;
}

/** Who may add me to groups, as the server spells it ("contacts": people I already share a conversation with). */
export type GroupAdds = 'everyone' | 'contacts' | 'nobody';

/** The choices of the "Who can add me to groups" select, in order: label shown, value sent. */
export const GROUP_ADDS_CHOICES: readonly { value: GroupAdds; label: string }[] = [
  { value: 'everyone', label: 'Everyone' },
  { value: 'contacts', label: 'People I’ve talked with' },
  { value: 'nobody', label: 'Nobody' },
];

/** A select's value as a wire value; null for anything else. */
export function toGroupAdds(value: unknown): GroupAdds | null {
  return GROUP_ADDS_CHOICES.find((c) => c.value === value)?.value ?? null;
}

export interface Member {
  userId: Id;
  lastReadSeq?: number | null;
  [key: string]: unknown;
}

export interface SystemInfo {
  event: string;
  actorId: Id;
  userIds: Id[];
  title?: string | null;
}

export interface Message {
  conversationId: Id;
  seq: number;
  senderId: Id;
  clientMessageId?: string | null;
  kind?: 'text' | 'system' | string;
  text: string;
  media?: Id[];
  system?: SystemInfo | null;
  createdAt?: string | null;
  editedAt?: string | null;
  deletedAt?: string | null;
  version?: number;
}

export interface Conversation {
  id: Id;
  kind: 'direct' | 'group' | string;
  title?: string | null;
  ownerId?: Id | null;
  members: Member[];
  lastSeq: number;
  lastReadSeq?: number | null;
  unreadCount?: number | null;
  lastMessage?: Message | null;
  createdAt?: string | null;
  version?: number;
  [key: string]: unknown;
}

export interface PresenceInfo {
  userId: Id;
  status: string;
  lastSeen?: string | null;
}

export interface MediaInfo {
  id: Id;
  conversationId?: Id;
  contentType: string;
  size: number;
  fileName?: string | null;
  width?: number | null;
  height?: number | null;
  url: string;
  thumbnailUrl?: string | null;
}

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

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
  const out = { ...m, conversationId: normId(m.conversationId), senderId: normId(m.senderId), seq } as Message;
  out.text = typeof m.text === 'string' ? m.text : '';
  out.media = Array.isArray(m.media) ? m.media.map((x) => normId(isObj(x) ? x.id : x)).filter(Boolean) : [];
  if (isObj(m.system)) {
    const sys = m.system;
    out.system = {
      event: String(sys.event ?? ''),
      actorId: normId(sys.actorId),
      userIds: Array.isArray(sys.userIds) ? sys.userIds.map(normId).filter(Boolean) : [],
      title: typeof sys.title === 'string' ? sys.title : null,
    };
  } else out.system = null;
  if (m.version !== undefined && m.version !== null) out.version = Number(m.version);
  return out;
}

export function normConversation(data: unknown): Conversation {
  const c = (isObj(data) ? data : {}) as Obj;
  const conv = { ...c, id: normId(c.id ?? c.conversationId) } as Conversation;
  conv.members = Array.isArray(c.members) ? c.members.map(normMember).filter((m) => m.userId !== 0) : [];
  if (isObj(c.lastMessage)) {
    const last = normMessage(c.lastMessage);
    if (!last.conversationId) last.conversationId = conv.id;
    conv.lastMessage = last;
  } else {
    conv.lastMessage = null;
  }
  conv.lastSeq = Number(c.lastSeq ?? 0) || 0;
  if (c.ownerId !== undefined && c.ownerId !== null) conv.ownerId = normId(c.ownerId);
  if (c.version !== undefined && c.version !== null) conv.version = Number(c.version);
  return conv;
}

export function normMedia(data: unknown): MediaInfo {
  const m = (isObj(data) ? data : {}) as Obj;
  return {
    ...m,
    id: normId(m.id),
    conversationId: normId(m.conversationId),
    contentType: String(m.contentType ?? 'application/octet-stream'),
    size: Number(m.size ?? 0),
    url: String(m.url ?? ''),
  } as MediaInfo;
}

/** Hub events (presence, read markers, typing): normalise their id fields. */
export function normEvent(data: Obj): Obj {
  const out: Obj = { ...data };
  for (const key of ['userId', 'conversationId', 'senderId']) {
    if (out[key] !== undefined && out[key] !== null) out[key] = normId(out[key]);
  }
  return out;
}
