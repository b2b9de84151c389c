/**
 * Table cells that keep all their text. cli-table3 measures Chinese characters as two columns, but its own word wrap
 * breaks only at spaces and its character wrap drops characters of wide text: a reason without spaces came out as its
 * first line and “…”. Cells are wrapped here instead, to lines that fit, so every character is shown.
 */

/** East Asian Wide and Fullwidth ranges (Unicode UAX #11): two columns, as cli-table3 (string-width) counts them. */
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
  [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff], [0x20000, 0x3fffd],
];

/** Columns a character takes: two for Chinese characters and fullwidth punctuation, one for others (“ ” — included). */
function charWidth(ch: string): number {
  const c = ch.codePointAt(0)!;
  return WIDE.some(([from, to]) => c >= from && c <= to) ? 2 : 1;
}

/** `text` in lines of at most `width` columns (its own line breaks kept); a Latin word (.xlsx) moves whole when it can. */
export function wrapCell(text: string, width: number): string {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line: string[] = [];
    let used = 0;
    for (const ch of paragraph) {
      const w = charWidth(ch);
      if (used + w > width && line.length) {
        // Inside a word of Latin letters and digits: carry the word to the next line if it starts after a break.
        let start = line.length;
        while (start > 0 && /[\w.\-/]/.test(line[start - 1]!)) start--;
        const word = /[\w.\-/]/.test(ch) && start > 0 ? line.slice(start) : [];
        const wordWidth = word.reduce((n, c) => n + charWidth(c), 0);
        // A word longer than the column is split where it reaches the edge.
        const carry = word.length && wordWidth + w <= width ? word : [];
        lines.push(line.slice(0, line.length - carry.length).join('').trimEnd());
        line = carry;
        used = carry.length ? wordWidth : 0;
      }
      line.push(ch);
      used += w;
    }
    lines.push(line.join(''));
  }
  return lines.join('\n');
}

/** cli-table3 options for columns of these widths, and a row's cells wrapped to fit them (padding of one each side). */
export function fittedColumns(widths: readonly number[]): { colWidths: number[]; fit: (cells: readonly string[]) => string[] } {
  return { colWidths: [...widths], fit: (cells) => cells.map((c, i) => wrapCell(c, widths[i]! - 2)) };
}
