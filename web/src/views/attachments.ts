// The composer's attachments: upload with progress, size limit, remove (which deletes an unsent upload).

import { h } from '../dom';
import { errorText } from '../errors';
import { icon } from '../icons';
import { megabytes } from '../limits';
import { discardUpload, isImage, rememberMedia, type MediaApi } from '../media';
import type { Id, MediaInfo } from '../model';

interface Attachment {
  id: string;
  file: File;
  progress: number;
  state: 'uploading' | 'done' | 'error';
  media?: MediaInfo;
  error?: string;
  abort?: () => void;
  preview?: string;
  node: HTMLElement;
}

export interface AttachmentsOptions {
  api: MediaApi;
  maxUploadBytes(): number;
  maxAttachments(): number;
  showError(text: string): void;
  /** Uploads started, finished or were removed. */
  changed(): void;
}

/** `box` is #attachments. */
export function createAttachments(box: HTMLElement, opts: AttachmentsOptions) {
  let items: Attachment[] = [];
  let seq = 0;

  function render(a: Attachment): void {
    const removeBtn = h('button', { type: 'button', class: 'remove-attachment', 'aria-label': `Remove ${a.file.name}` }, '×');
    removeBtn.addEventListener('click', () => {
      remove(a);
      // Nobody will send it now: delete it rather than leave it for the server's sweep.
      if (a.media) discardUpload(a.media.id, (id) => opts.api.deleteMedia(id));
    });
    a.node.dataset.state = a.state;
    a.node.replaceChildren(
      a.preview ? h('img', { class: 'attachment-thumb', src: a.preview, alt: '' }) : h('span', { class: 'attachment-icon', 'aria-hidden': 'true' }, icon('file', 22)),
      h('span', { class: 'attachment-body' },
        h('span', { class: 'attachment-name' }, a.file.name),
        a.state === 'uploading'
          ? h('progress', { class: 'upload-progress', max: 100, value: Math.round(a.progress * 100), 'aria-label': `Uploading ${a.file.name}` })
          : h('span', { class: `attachment-status${a.state === 'error' ? ' error' : ''}` }, a.state === 'error' ? a.error ?? 'Upload failed' : 'Ready')),
      removeBtn,
    );
  }

  function remove(a: Attachment): void {
    a.abort?.();
    if (a.preview) URL.revokeObjectURL(a.preview);
    a.node.remove();
    items = items.filter((x) => x !== a);
    box.hidden = items.length === 0;
    opts.changed();
  }

  function add(conversationId: Id, files: Iterable<File>): void {
    const max = opts.maxUploadBytes();
    for (const file of files) {
      if (file.size > max) {
        opts.showError(`“${file.name}” is too large (${(file.size / 1048576).toFixed(1)} MB). The limit is ${megabytes(max)}.`);
        continue;
      }
      if (items.length >= opts.maxAttachments()) {
        opts.showError(`A message can carry at most ${opts.maxAttachments()} attachments.`);
        break;
      }
      const a: Attachment = {
        id: `a${++seq}`,
        file,
        progress: 0,
        state: 'uploading',
        preview: isImage({ contentType: file.type }) ? URL.createObjectURL(file) : undefined,
        node: h('div', { class: 'attachment' }),
      };
      a.node.dataset.uploadId = a.id;
      items.push(a);
      box.appendChild(a.node);
      box.hidden = false;
      render(a);
      const up = opts.api.upload(conversationId, file, max, (f) => {
        a.progress = f;
        const bar = a.node.querySelector('progress');
        if (bar) bar.value = Math.round(f * 100);
      });
      a.abort = up.abort;
      up.promise
        .then((media) => {
          a.state = 'done';
          a.media = media;
          rememberMedia(media);
        })
        .catch((err: unknown) => {
          a.state = 'error';
          a.error = errorText(err);
          opts.showError(`Could not upload “${file.name}”: ${a.error}`);
        })
        .finally(() => {
          a.abort = undefined;
          if (items.includes(a)) render(a);
          opts.changed();
        });
    }
    opts.changed();
  }

  return {
    add,
    uploading: (): boolean => items.some((a) => a.state === 'uploading'),
    ready: (): Id[] => items.filter((a) => a.state === 'done' && a.media).map((a) => a.media!.id),
    clear(): void {
      for (const a of [...items]) remove(a);
    },
  };
}
