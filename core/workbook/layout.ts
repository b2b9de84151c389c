/**
 * Row heights for wrapped text. Excel computes them when it opens a file, LibreOffice and WPS keep the default height
 * of a row that has none, and then print only its first line (or draw the lines over the next row). Writers therefore
 * give every wrapped row the height of its longest cell.
 */

/** Width of text in Excel column units: CJK and full-width characters take two, others one. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f\u201c\u201d\u2018\u2019\u2026\u2014]/.test(ch) ? 2 : 1;
  return w;
}

/** Lines a text needs in a column of `width` units (explicit line breaks included). */
export function wrappedLines(text: string, width: number, fontSize = 11): number {
  // LibreOffice draws CJK a little narrower than two column units: 1.1 keeps the estimate close without cutting.
  const perLine = Math.max(1, Math.floor(((width - 1) * 1.1 * 11) / fontSize));
  return String(text).split('\n').reduce((n, part) => n + Math.max(1, Math.ceil(displayWidth(part) / perLine)), 0);
}

/** Row height in points for the given cell texts and column widths. */
export function rowHeight(cells: ReadonlyArray<unknown>, widths: readonly number[], fontSize = 11): number {
  const lines = Math.max(1, ...cells.map((c, i) => (c === null || c === undefined || c === '' ? 1 : wrappedLines(String(c), widths[i] ?? 10, fontSize))));
  return Math.ceil(lines * fontSize * 1.35 + 4);
}
