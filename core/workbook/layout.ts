/**
 * Row heights for wrapped text. Excel computes them when it opens a file, LibreOffice and WPS keep the default height
 * of a row that has none, and then print only its first line (or draw the lines over the next row). Writers therefore
 * give every wrapped row the height of its longest cell.
 */

/**
 * Whether a UTF-16 code unit is drawn two column units wide: CJK (U+2E80–U+9FFF, which holds the CJK punctuation
 * U+3000–U+303F), full-width forms (U+FF00–U+FFEF) and the curly quotes, ellipsis and em dash Chinese text uses.
 */
function wide(c: number): boolean {
  if (c < 0x2014) return false;
  if (c >= 0x2e80) return c <= 0x9fff || (c >= 0xff00 && c <= 0xffef);
  return c === 0x2014 || c === 0x2018 || c === 0x2019 || c === 0x201c || c === 0x201d || c === 0x2026;
}

/**
 * Width of text in Excel column units: CJK and full-width characters take two, others one (a character outside the
 * BMP, one surrogate pair, takes one). Counted by character code, no per-character regular expression.
 */
export function displayWidth(text: string): number {
  let w = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x2014) w++;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      w++;
      i++;
    } else w += wide(c) ? 2 : 1;
  }
  return w;
}

/** Lines a text needs in a column of `width` units (explicit line breaks included). */
export function wrappedLines(text: string, width: number, fontSize = 11): number {
  // LibreOffice draws CJK a little narrower than two column units: 1.1 keeps the estimate close without cutting.
  const perLine = Math.max(1, Math.floor(((width - 1) * 1.1 * 11) / fontSize));
  const s = String(text);
  if (!s.includes('\n')) return Math.max(1, Math.ceil(displayWidth(s) / perLine));
  return s.split('\n').reduce((n, part) => n + Math.max(1, Math.ceil(displayWidth(part) / perLine)), 0);
}

/** Row height in points for the given cell texts and column widths. */
export function rowHeight(cells: ReadonlyArray<unknown>, widths: readonly number[], fontSize = 11): number {
  const lines = Math.max(1, ...cells.map((c, i) => (c === null || c === undefined || c === '' ? 1 : wrappedLines(String(c), widths[i] ?? 10, fontSize))));
  return Math.ceil(lines * fontSize * 1.35 + 4);
}
