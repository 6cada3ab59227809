import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../src/api';
import { ApiError, errorText, hubErrorText, problemCode, rateLimitWait, retryAfterSeconds } from '../src/errors';
import { DEFAULT_LIMITS, mergeLimits } from '../src/limits';
import { GROUP_ADDS_CHOICES, normConversation, normId, normMessage, toGroupAdds } from '../src/model';
import { hasSessionHint, session } from '../src/session';
import { linkify, safeHref, systemText, fileSize } from '../src/format';

describe('id normalisation', () => {
  it('keeps ids as the numbers of the contract, whatever their source', () => {
    const m = normMessage({ conversationId: 12, seq: 3, senderId: 5, text: 'x', media: [100, 101], system: { event: 'member-added', actorId: 5, userIds: [6, 7] } });
    expect(m.conversationId).toBe(12);
    expect(m.senderId).toBe(5);
    expect(m.media).toEqual([100, 101]);
    expect(m.system).toEqual({ event: 'member-added', actorId: 5, userIds: [6, 7], title: null });
    expect(normId('5')).toBe(5);
    expect(normId(9007199254740991)).toBe(9007199254740991);
    expect([normId(''), normId(undefined), normId('abc'), normId(1.5), normId(-3)]).toEqual([0, 0, 0, 0, 0]);
  });

  it('normalises conversation views, members and owners', () => {
    const c = normConversation({ id: 3, kind: 'group', ownerId: 9, members: [{ userId: 9, lastReadSeq: 2 }], lastSeq: 4, lastMessage: { seq: 4, senderId: 9 } });
    expect(c.id).toBe(3);
    expect(c.ownerId).toBe(9);
    expect(c.members[0].userId).toBe(9);
    expect(c.lastMessage!.conversationId).toBe(3);
    expect(c.lastMessage!.text).toBe('');
  });
});

describe('server limits', () => {
  it('starts from today\'s values and takes every valid limit the server gives, ignoring a missing answer', () => {
    expect(DEFAULT_LIMITS).toMatchObject({ maxMessageLength: 100_000, maxGroupMembers: 50, maxUploadBytes: 25 * 1024 * 1024 });
    const merged = mergeLimits(DEFAULT_LIMITS, { maxMessageLength: 2000, maxGroupMembers: 'x', maxAttachmentsPerMessage: 4 }, null);
    expect(merged).toEqual({ maxMessageLength: 2000, maxGroupMembers: 50, maxAttachmentsPerMessage: 4, maxUploadBytes: 25 * 1024 * 1024 });
    expect(mergeLimits(DEFAULT_LIMITS, null, { maxUploadBytes: 1024 }).maxUploadBytes).toBe(1024);
  });

  it('asks both services with the bearer token and tolerates a 404 from either', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      urls.push(`${url} ${(init.headers as Record<string, string>).Authorization}`);
      return url === '/api/media/limits'
        ? new Response(JSON.stringify({ maxUploadBytes: 1000 }), { status: 200 })
        : new Response(null, { status: 404 });
    });
    session.set({ accessToken: 'tok' });
    try {
      const limits = mergeLimits(DEFAULT_LIMITS, ...(await api.limits()));
      expect(urls.sort()).toEqual(['/api/conversations/limits Bearer tok', '/api/media/limits Bearer tok']);
      expect(limits.maxUploadBytes).toBe(1000);
      expect(limits.maxMessageLength).toBe(100_000);
    } finally {
      vi.unstubAllGlobals();
      session.clear();
    }
  });
});

describe('session resume', () => {
  it('calls refresh only when the session hint cookie is there', async () => {
    expect(hasSessionHint('')).toBe(false);
    expect(hasSessionHint('other=1; chat_session=')).toBe(false);
    expect(hasSessionHint('other=1; chat_session=1')).toBe(true);
    let refreshes = 0;
    vi.stubGlobal('fetch', async () => {
      refreshes++;
      return new Response(null, { status: 401 });
    });
    try {
      document.cookie = 'chat_session=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
      expect(await session.resume()).toBe(false);
      expect(refreshes).toBe(0);
      document.cookie = 'chat_session=1; path=/';
      expect(await session.resume()).toBe(false);
      expect(refreshes).toBe(1);
    } finally {
      document.cookie = 'chat_session=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
      vi.unstubAllGlobals();
    }
  });
});

describe('errors', () => {
  it('reads problem codes from ProblemDetails and hub errors', () => {
    expect(problemCode(new ApiError(403, 'x', { type: 'https://chat.example/problems/not-allowed' }))).toBe('not-allowed');
    const hubErr = new Error("An unexpected error occurred invoking 'SendMessage' on the server. HubException: message-too-long: too long");
    expect(problemCode(hubErr)).toBe('message-too-long');
    expect(hubErrorText(hubErr)).toBe('too long');
    expect(retryAfterSeconds('30')).toBe(30);
    expect(retryAfterSeconds(null)).toBeUndefined();
    const refused = new Error("An unexpected error occurred invoking 'SendMessage' on the server. HubException: rate-limited: too many messages; retry after 3 s");
    expect(rateLimitWait(refused)).toBe(3);
    expect(rateLimitWait(new Error('HubException: not-a-member: You are not a member.'))).toBeNull();
    const unavailable = new Error("An unexpected error occurred invoking 'SendMessage' on the server. HubException: service-unavailable: a service this call needs is unavailable; retry after 5 s");
    expect(rateLimitWait(unavailable)).toBe(5);
  });
});

describe('format', () => {
  it('links only http(s) URLs and leaves trailing punctuation out', () => {
    expect(linkify('see https://a.example/x?y=1. ok')).toEqual([
      { text: 'see ' },
      { text: 'https://a.example/x?y=1', href: 'https://a.example/x?y=1' },
      { text: '. ok' },
    ]);
    expect(linkify('javascript:alert(1) data:text/html,hi')).toEqual([{ text: 'javascript:alert(1) data:text/html,hi' }]);
    expect(linkify('(https://en.wikipedia.org/wiki/A_(b))')[1].href).toBe('https://en.wikipedia.org/wiki/A_(b)');
    expect(safeHref('javascript:alert(1)')).toBeNull();
  });

  it('describes system events', () => {
    const name = (id: number) => ({ 1: 'You', 2: 'Bob', 3: 'Carol' } as Record<number, string>)[id] ?? '?';
    const sys = (event: string, userIds: number[], title: string | null = null) => ({ text: '', system: { event, actorId: 1, userIds, title } });
    expect(systemText(sys('member-added', [2, 3]), name)).toBe('You added Bob and Carol');
    expect(systemText(sys('renamed', [], 'Trip'), name)).toBe('You renamed the group to “Trip”');
    expect(systemText({ text: '', system: { event: 'member-left', actorId: 2, userIds: [2], title: null } }, name)).toBe('Bob left');
    expect(systemText(sys('owner-changed', [3]), name)).toBe('Carol is now the owner');
    expect(fileSize(2048)).toBe('2.0 KB');
  });
});

describe('profile settings and blocks', () => {
  type Call = { method: string; url: string; body: unknown; auth: string | undefined };
  let calls: Call[] = [];

  function stubFetch(reply: () => Response): void {
    calls = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      calls.push({ method: String(init.method), url, body: init.body === undefined ? undefined : JSON.parse(String(init.body)), auth: headers.Authorization });
      return reply();
    });
  }
  const json = (data: unknown, status = 200) => new Response(JSON.stringify(data), { status, headers: { 'Content-Type': 'application/json' } });

  beforeEach(() => session.set({ accessToken: 'tok' }));
  afterEach(() => {
    vi.unstubAllGlobals();
    session.clear();
  });

  it('maps the "Who can add me to groups" choices to the three wire values', () => {
    expect(GROUP_ADDS_CHOICES.map((c) => [c.label, c.value])).toEqual([
      ['Everyone', 'everyone'],
      ['People I’ve talked with', 'contacts'],
      ['Nobody', 'nobody'],
    ]);
    expect(toGroupAdds('contacts')).toBe('contacts');
    expect(toGroupAdds('Contacts')).toBeNull();
    expect(toGroupAdds(undefined)).toBeNull();
  });

  it('reads groupAdds from me and saves it with the display name', async () => {
    stubFetch(() => json({ id: 4, username: 'ann', displayName: 'Ann', groupAdds: 'nobody' }));
    const me = await api.me();
    expect(me.id).toBe(4);
    expect(me.groupAdds).toBe('nobody');
    expect(calls[0]).toMatchObject({ method: 'GET', url: '/api/identity/users/me', auth: 'Bearer tok' });

    stubFetch(() => json({ id: 4, username: 'ann', displayName: 'Annie', groupAdds: 'contacts' }));
    await api.updateMe({ displayName: 'Annie', groupAdds: 'contacts' });
    expect(calls).toEqual([{ method: 'PATCH', url: '/api/identity/users/me', body: { displayName: 'Annie', groupAdds: 'contacts' }, auth: 'Bearer tok' }]);

    stubFetch(() => json({ id: 4, username: 'ann', displayName: 'A' }));
    await api.updateMe('A');
    expect(calls[0].body).toEqual({ displayName: 'A' });
  });

  it('lists, blocks and unblocks with the ids as the client keeps them', async () => {
    stubFetch(() => json([{ id: 9, username: 'bob', displayName: 'Bob' }]));
    const list = await api.blocks();
    expect(calls[0]).toMatchObject({ method: 'GET', url: '/api/identity/users/me/blocks', body: undefined, auth: 'Bearer tok' });
    expect(list.map((u) => u.id)).toEqual([9]);

    stubFetch(() => new Response(null, { status: 204 }));
    await api.block(list[0].id);
    await api.unblock(normId(9));
    expect(calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ['PUT', '/api/identity/users/me/blocks/9', undefined],
      ['DELETE', '/api/identity/users/me/blocks/9', undefined],
    ]);
  });

  it('gives the server problem when a block cannot be applied', async () => {
    stubFetch(() => json({ type: 'https://chat.example/problems/blocks-unavailable', title: 'Blocks unavailable', status: 503, detail: 'Try again in a moment.' }, 503));
    const err = await api.block(9).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(problemCode(err)).toBe('blocks-unavailable');
    expect(errorText(err)).toBe('Try again in a moment.');
  });

  it('explains a send refused because of a block', () => {
    const refused = new Error("An unexpected error occurred invoking 'SendMessage' on the server. HubException: not-allowed: You cannot send to or open a conversation with this person.");
    expect(problemCode(refused)).toBe('not-allowed');
    expect(rateLimitWait(refused)).toBeNull();
    expect(hubErrorText(refused)).toBe('You cannot send to or open a conversation with this person.');
  });
});
