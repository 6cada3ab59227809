import { describe, expect, it } from 'vitest';
import { normConversation, normMessage, problemCode, hubErrorText, rateLimitWait, retryAfterSeconds, sameId, wireId, ApiError } from '../src/api';
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
