import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, errorText, GROUP_ADDS_CHOICES, normConversation, normId, normMessage, problemCode, hubErrorText, rateLimitWait, retryAfterSeconds, sameId, session, toGroupAdds, wireId, ApiError } from '../src/api';
import { linkify, safeHref, systemText, fileSize } from '../src/format';

describe('id normalisation', () => {
  it('turns numeric ids into strings and gives the numbers back for the wire', () => {
    const m = normMessage({ conversationId: 12, seq: 3, senderId: 5, text: 'x', media: [100, 101], system: { event: 'member-added', actorId: 5, userIds: [6, 7] } });
    expect(m.conversationId).toBe('12');
    expect(m.senderId).toBe('5');
    expect(m.media).toEqual(['100', '101']);
    expect(m.system).toEqual({ event: 'member-added', actorId: '5', userIds: ['6', '7'], title: null });
    expect(wireId('12')).toBe(12);
    expect(wireId('100')).toBe(100);
    expect(sameId(5, '5')).toBe(true);
    expect(sameId('', '')).toBe(false);
  });

  it('normalises conversation views, members and owners', () => {
    const c = normConversation({ id: 3, kind: 'group', ownerId: 9, members: [{ userId: 9, lastReadSeq: 2 }], lastSeq: 4, lastMessage: { seq: 4, senderId: 9 } });
    expect(c.id).toBe('3');
    expect(c.ownerId).toBe('9');
    expect(c.members[0].userId).toBe('9');
    expect(c.lastMessage!.conversationId).toBe('3');
    expect(c.lastMessage!.text).toBe('');
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
    const name = (id: string) => ({ '1': 'You', '2': 'Bob', '3': 'Carol' })[id] ?? '?';
    const sys = (event: string, userIds: string[], title: string | null = null) => ({ text: '', system: { event, actorId: '1', userIds, title } });
    expect(systemText(sys('member-added', ['2', '3']), name)).toBe('You added Bob and Carol');
    expect(systemText(sys('renamed', [], 'Trip'), name)).toBe('You renamed the group to “Trip”');
    expect(systemText({ text: '', system: { event: 'member-left', actorId: '2', userIds: ['2'], title: null } }, name)).toBe('Bob left');
    expect(systemText(sys('owner-changed', ['3']), name)).toBe('Carol is now the owner');
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
    expect(me.id).toBe('4');
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
    expect(list.map((u) => u.id)).toEqual(['9']);

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
    const err = await api.block('9').catch((e: unknown) => e);
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
