import { describe, expect, it } from 'vitest';
import { normMedia } from '../src/model';
import { discardUpload, isRemembered, rememberMedia } from '../src/media';

describe('discarding an upload', () => {
  it('forgets it and asks the server to delete it, ignoring a failure', async () => {
    const media = normMedia({ id: 9007199254740991, conversationId: 7, contentType: 'image/png', size: 3, fileName: 'a.png', url: '/api/media/1' });
    rememberMedia(media);
    const deleted: number[] = [];

    discardUpload(media.id, async (id) => {
      deleted.push(id);
      throw new Error('offline');
    });
    await Promise.resolve();

    expect(deleted).toEqual([9007199254740991]);
    expect(isRemembered(media.id)).toBe(false);
  });
});
