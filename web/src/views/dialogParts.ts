// Small pieces the dialogs share.

export function setError(target: HTMLElement, text: string | null): void {
  target.textContent = text ?? '';
  target.hidden = !text;
}

export function closeOnBackdrop(d: HTMLDialogElement): () => void {
  const fn = (e: MouseEvent): void => {
    if (e.target === d) d.close();
  };
  d.addEventListener('click', fn);
  return () => d.removeEventListener('click', fn);
}
