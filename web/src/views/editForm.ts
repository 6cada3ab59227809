// Editing one of my messages in place: Enter saves, Escape cancels.

import { h } from '../dom';
import { hubErrorText } from '../errors';
import type { Message } from '../model';
import type { ConvState } from '../state/convState';
import { edit } from '../state/outbox';
import type { Store } from '../state/store';

export function editForm(s: Store, cs: ConvState, msg: Message, done: () => void): HTMLElement {
  const input = h('textarea', { class: 'edit-input', 'aria-label': 'Edit message', rows: 3 });
  input.value = msg.text;
  const save = h('button', { type: 'button', class: 'btn btn-primary save-edit' }, 'Save');
  const cancel = h('button', { type: 'button', class: 'btn btn-ghost cancel-edit' }, 'Cancel');
  const error = h('div', { class: 'edit-error', role: 'alert' });
  const submit = async (): Promise<void> => {
    const text = input.value;
    if (text === msg.text) return done();
    save.disabled = true;
    try {
      await edit(s, cs, msg.seq, text);
      done();
    } catch (err) {
      save.disabled = false;
      error.textContent = hubErrorText(err);
    }
  };
  save.addEventListener('click', () => void submit());
  cancel.addEventListener('click', done);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      done();
    } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void submit();
    }
  });
  setTimeout(() => {
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }, 0);
  return h('div', { class: 'edit-form' }, input, h('div', { class: 'edit-buttons' }, cancel, save), error);
}
