// The line above the first message: loading, load error with Retry, "Beginning of the conversation".

import { h } from '../dom';
import type { ConvState } from '../state/convState';

export function historyStatus(el: HTMLElement, cs: ConvState, retry: () => void): void {
  el.className = 'history-status';
  if (cs.loadError && !cs.loaded) {
    el.classList.add('error');
    const button = h('button', { type: 'button', class: 'link-btn' }, 'Retry');
    button.addEventListener('click', retry);
    el.replaceChildren(h('span', null, cs.loadError), ' ', button);
    return;
  }
  let text = '';
  if (!cs.loaded) text = 'Loading messages…';
  else if (cs.loadingOlder) text = 'Loading older messages…';
  else if (!cs.hasOlder) text = cs.messages.size ? 'Beginning of the conversation' : 'No messages yet. Say hello!';
  el.textContent = text;
}
