// The composer: text with a live length counter against the server's limit, Enter to send, drafts per conversation,
// attachments (button, paste, drag and drop), typing notifications, arrow-up to edit my last message.

import { debounce, listen, part, type View } from '../dom';
import type { MediaApi } from '../media';
import type { Id } from '../model';
import { send } from '../state/outbox';
import type { Store } from '../state/store';
import { typing } from '../state/typing';
import { createAttachments } from './attachments';

export interface ComposerOptions {
  api: MediaApi;
  /** A message was queued (the list follows the bottom). */
  sent(): void;
  /** Arrow-up in an empty composer; true when an edit started. */
  editLastOwn(): boolean;
  /** Escape on a narrow screen: back to the list. */
  close(): void;
}

export interface Composer extends View {
  /** Switch to another conversation: keep this one's draft, restore that one's. */
  open(id: Id | null): void;
  addFiles(files: Iterable<File>): void;
  showError(text: string): void;
  focus(): void;
  /** Forget drafts and attachments (sign-out). */
  reset(): void;
}

/** `root` is #conversation-view (the textarea, counter, send button, attachments, error line and drop overlay). */
export function createComposer(root: HTMLElement, s: Store, opts: ComposerOptions): Composer {
  const text = part<HTMLTextAreaElement>(root, 'composer');
  const sendBtn = part<HTMLButtonElement>(root, 'send');
  const count = part(root, 'char-count');
  const error = part(root, 'composer-error');
  const attach = part<HTMLButtonElement>(root, 'attach');
  const fileInput = part<HTMLInputElement>(root, 'file-input');
  const drop = part(root, 'drop-overlay');
  const drafts = new Map<Id, string>();
  let current: Id | null = null;

  const attachments = createAttachments(part(root, 'attachments'), {
    api: opts.api,
    maxUploadBytes: () => s.limits.maxUploadBytes,
    maxAttachments: () => s.limits.maxAttachmentsPerMessage,
    showError,
    changed: () => update(),
  });

  function showError(message: string): void {
    error.textContent = message;
    error.hidden = false;
    delete error.dataset.kind;
  }

  function hideError(): void {
    error.hidden = true;
    error.textContent = '';
    delete error.dataset.kind;
  }

  function autoGrow(): void {
    text.style.height = 'auto';
    const max = Math.max(120, Math.floor(window.innerHeight * 0.35));
    text.style.height = `${Math.min(text.scrollHeight + 2, max)}px`;
    text.style.overflowY = text.scrollHeight > max ? 'auto' : 'hidden';
  }

  function update(): void {
    const max = s.limits.maxMessageLength;
    const n = text.value.length;
    const over = n > max;
    const near = n > max * 0.9;
    count.textContent = `${n.toLocaleString('en')} / ${max.toLocaleString('en')}`;
    count.classList.toggle('over', over);
    count.classList.toggle('near', !over && near);
    count.classList.toggle('idle', !near);
    sendBtn.disabled = over || attachments.uploading() || (!text.value.trim() && !attachments.ready().length) || s.openId === null;
    text.setAttribute('aria-invalid', over ? 'true' : 'false');
    if (over) {
      showError(`Message is too long: ${n.toLocaleString('en')} characters (max ${max.toLocaleString('en')}).`);
      error.dataset.kind = 'length';
    } else if (error.dataset.kind === 'length') hideError();
    autoGrow();
  }

  function sendCurrent(): void {
    const cs = s.get(s.openId);
    if (!cs) return;
    const body = text.value;
    if (body.length > s.limits.maxMessageLength) return update();
    if (attachments.uploading()) return;
    const mediaIds = attachments.ready();
    if (!body.trim() && !mediaIds.length) return;
    const refused = send(s, cs, body.trim() ? body : '', mediaIds);
    if (refused) return showError(refused);
    hideError();
    attachments.clear();
    text.value = '';
    drafts.delete(cs.id);
    opts.sent();
    update();
    text.focus();
  }

  function addFiles(files: Iterable<File>): void {
    if (s.openId !== null) attachments.add(s.openId, files);
  }

  let dragDepth = 0;
  const hasFiles = (e: DragEvent): boolean => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
  const offs = [
    listen(text, 'input', () => {
      update();
      const cs = s.get(s.openId);
      if (cs && text.value) typing(s, cs);
    }),
    listen(text, 'keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        sendCurrent();
      } else if (e.key === 'ArrowUp' && !text.value && opts.editLastOwn()) {
        e.preventDefault();
      } else if (e.key === 'Escape' && window.matchMedia('(max-width: 760px)').matches) {
        opts.close();
      }
    }),
    listen(text, 'paste', (e) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (files.length) {
        e.preventDefault();
        addFiles(files);
      }
    }),
    listen(sendBtn, 'click', sendCurrent),
    listen(attach, 'click', () => fileInput.click()),
    listen(fileInput, 'change', () => {
      addFiles([...(fileInput.files ?? [])]);
      fileInput.value = '';
    }),
    // Drag and drop anywhere on the conversation.
    listen(root, 'dragenter', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      dragDepth++;
      drop.hidden = false;
    }),
    listen(root, 'dragover', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer!.dropEffect = 'copy';
    }),
    listen(root, 'dragleave', () => {
      dragDepth = Math.max(0, dragDepth - 1);
      if (!dragDepth) drop.hidden = true;
    }),
    listen(root, 'drop', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      dragDepth = 0;
      drop.hidden = true;
      addFiles([...(e.dataTransfer?.files ?? [])]);
    }),
    listen(window, 'resize', debounce(autoGrow, 100)),
  ];

  return {
    update,
    open(id: Id | null): void {
      if (current === id) return;
      if (current !== null) drafts.set(current, text.value);
      attachments.clear();
      current = id;
      if (id === null) return;
      text.value = drafts.get(id) ?? '';
      update();
      hideError();
    },
    addFiles,
    showError,
    focus: () => text.focus(),
    reset(): void {
      drafts.clear();
      attachments.clear();
      current = null;
      text.value = '';
      update();
      hideError();
    },
    dispose(): void {
      offs.forEach((off) => off());
      attachments.clear();
    },
  };
}
