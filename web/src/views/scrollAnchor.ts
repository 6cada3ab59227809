// Keeping the reader's place while rows are added above it.

/** The first row visible now, the scroll anchor (day separators move when older messages of their day arrive). */
export function firstVisibleRow(box: HTMLElement, rows: Map<string, HTMLElement>): { node: HTMLElement; top: number } | null {
  const top = box.getBoundingClientRect().top;
  let anchor: { node: HTMLElement; top: number } | null = null;
  for (const [k, node] of rows) {
    if (k.startsWith('d:')) continue;
    const r = node.getBoundingClientRect();
    if (r.bottom > top && (!anchor || r.top < anchor.top)) anchor = { node, top: r.top };
  }
  return anchor;
}
