// Attachment info (signed URLs expire after ~10 minutes: cached for 8) and rendering.

import { api } from './api';
import { h } from './dom';
import { icon } from './icons';
import { fileSize } from './format';
import type { Id, MediaInfo } from './model';

/** The media calls the composer makes (tests give a fake one). */
export type MediaApi = Pick<typeof api, 'upload' | 'deleteMedia'>;
const TTL = 8 * 60_000;

const cache = new Map<Id, { at: number; info: Promise<MediaInfo> }>();

export function mediaInfo(id: Id, force = false): Promise<MediaInfo> {
  const hit = cache.get(id);
  if (hit && !force && Date.now() - hit.at < TTL) return hit.info;
  const info = api.mediaInfo(id);
  cache.set(id, { at: Date.now(), info });
  info.catch(() => cache.delete(id));
  return info;
}

/** Seed the cache with an upload's answer. */
export function rememberMedia(info: MediaInfo): void {
  cache.set(info.id, { at: Date.now(), info: Promise.resolve(info) });
}

/**
 * The composer's × on an upload that was never sent: forget it here and ask Media to delete it, so it is not kept
 * until the server sweeps it. Fire and forget: a failure only leaves it to the sweep.
 */
export function discardUpload(id: Id, remove: (id: Id) => Promise<unknown> = (media) => api.deleteMedia(media)): void {
  cache.delete(id);
  void remove(id).catch(() => undefined);
}

export function isRemembered(id: Id): boolean {
  return cache.has(id);
}

export const isImage = (info: Pick<MediaInfo, 'contentType'>): boolean => /^image\//i.test(info.contentType);

function fresh(id: Id): boolean {
  const hit = cache.get(id);
  return !!hit && Date.now() - hit.at < TTL;
}

let lightbox: HTMLDialogElement | null = null;

async function openFull(id: Id): Promise<void> {
  const info = await mediaInfo(id);
  lightbox ??= document.getElementById('lightbox') as HTMLDialogElement | null;
  if (!lightbox) return;
  const img = lightbox.querySelector<HTMLImageElement>('#lightbox-img')!;
  const link = lightbox.querySelector<HTMLAnchorElement>('#lightbox-open')!;
  img.src = info.url;
  img.alt = info.fileName || 'Image';
  link.href = info.url;
  if (!lightbox.open) lightbox.showModal();
}

/** One attachment: a thumbnail button for images, a file card otherwise. `onSize` is called after images load. */
export function mediaElement(id: Id, onSize: () => void): HTMLElement {
  const box = h('div', { class: 'media-item loading', 'data-media-id': String(id) }, 'Loading attachment…');
  mediaInfo(id)
    .then((info) => {
      box.classList.remove('loading');
      if (isImage(info)) {
        const w = info.width || 0;
        const ht = info.height || 0;
        const scale = w && ht ? Math.min(1, 260 / w, 260 / ht) : 1;
        const img = h('img', {
          src: info.thumbnailUrl || info.url,
          alt: info.fileName || 'Image',
          loading: 'lazy',
          width: w ? Math.round(w * scale) : null,
          height: ht ? Math.round(ht * scale) : null,
        });
        img.addEventListener('load', onSize, { once: true });
        img.addEventListener('error', () => {
          // Signed URL expired: fetch a new one once.
          if (!img.dataset.retried) {
            img.dataset.retried = '1';
            void mediaInfo(id, true).then((i) => (img.src = i.thumbnailUrl || i.url));
          }
        });
        const btn = h('button', { type: 'button', class: 'media-image', 'aria-label': `Open image ${info.fileName || ''}`.trim() }, img);
        btn.addEventListener('click', () => void openFull(id));
        box.replaceChildren(btn);
      } else {
        const name = info.fileName || 'File';
        const a = h(
          'a',
          { class: 'media-file', href: info.url, target: '_blank', rel: 'noopener noreferrer', download: name },
          h('span', { class: 'file-icon', 'aria-hidden': 'true' }, icon('file', 24)),
          h('span', { class: 'file-text' }, h('span', { class: 'file-name' }, name), h('span', { class: 'file-size' }, fileSize(info.size))),
        );
        a.addEventListener('click', (e) => {
          if (fresh(id)) return;
          e.preventDefault();
          void mediaInfo(id, true).then((i) => {
            a.href = i.url;
            window.open(i.url, '_blank', 'noopener,noreferrer');
          });
        });
        box.replaceChildren(a);
      }
      onSize();
    })
    .catch(() => {
      box.classList.remove('loading');
      box.classList.add('error');
      box.textContent = 'Attachment unavailable';
    });
  return box;
}
