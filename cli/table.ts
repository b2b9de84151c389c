/**
 * Table cells that keep all their text. cli-table3 measures Chinese characters as two columns, but its own word wrap
 * breaks only at spaces and its character wrap drops characters of wide text: a reason without spaces came out as its
 * first line and “…”. Cells are wrapped here instead, to lines that fit, so every character is shown.
 */

/** Columns a character takes in a terminal: East Asian wide and fullwidth characters (and emoji) two, others one. */
function charWidth(ch: string): number {
  const c = ch.codePointAt(0)!;
  // Counts a few narrow symbols above U+1100 as wide too: a line a little short is harmless, one too long is cut.
  return c >= 0x1100 ? 2 : 1;
}

/** `text` in lines of at most `width` columns (its own line breaks kept). */
export function wrapCell(text: string, width: number): string {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let used = 0;
    for (const ch of paragraph) {
      const w = charWidth(ch);
      if (used + w > width && line) {
        lines.push(line);
        line = '';
        used = 0;
      }
      line += ch;
      used += w;
    }
    lines.push(line);
  }
  return lines.join('\n');
}

/** cli-table3 options for columns of these widths, and a row's cells wrapped to fit them (padding of one each side). */
export function fittedColumns(widths: readonly number[]): { colWidths: number[]; fit: (cells: readonly string[]) => string[] } {
  return { colWidths: [...widths], fit: (cells) => cells.map((c, i) => wrapCell(c, widths[i]! - 2)) };
}
