/**
 * Rows of streamed sheets (core/ooxml/sheet-stream.ts): whether a text keeps its white space (xml:space="preserve")
 * is decided by character code for every UTF-16 code unit exactly as XML and JavaScript's \s see white space, and a
 * renderer that remembers short strings per column renders each cell as a fresh rowXml() call does.
 */
import { RowRenderer, escapeText, rowXml, type CellValue, type StreamSheetSpec } from '../../../core/ooxml/sheet-stream';

const spec: StreamSheetSpec = { name: 'S', paperSize: 9, columns: [{ width: 10 }, { width: 10, numFmt: '@' }, { width: 10, numFmt: '0.0%' }] };
const letters = ['A', 'B', 'C'];
const PRESERVE = / xml:space="preserve"/g;

test('xml:space="preserve" exactly when the written text starts or ends with white space or holds a line break', () => {
  const wrong: string[] = [];
  for (let c = 0; c <= 0xffff; c++) {
    const ch = String.fromCharCode(c);
    const texts = [`${ch}x`, `x${ch}`, ch];
    const want = texts.filter((t) => /^\s|\s$|\n/.test(escapeText(t))).length;
    const got = rowXml(1, texts, spec, letters, 'plain').match(PRESERVE)?.length ?? 0;
    if (got !== want) wrong.push(c.toString(16));
  }
  expect(wrong).toEqual([]);
});

test('one renderer for many rows renders every cell as rowXml does: looks, formats, remembered and new strings', () => {
  const render = new RowRenderer(spec, letters);
  const pool: CellValue[] = ['达到', '是', '', ' 空格 ', 'a & b', '<x>', '铃\u0007', '😀', 0, -1.5, 0.4667, Number.NaN, Infinity, null, undefined, '\u3000', '两行\n第二行', '达到'.repeat(20)];
  let r = 0;
  for (const look of ['plain', 'wrap', 'header'] as const) {
    // Past the 512 remembered strings of a column, and the same strings again in other columns and looks.
    for (let i = 0; i < 700; i++) {
      r++;
      const values = [pool[i % pool.length]!, `值${i % 600}`, i % 3 ? pool[(i * 7) % pool.length]! : `值${i % 600}`, ...(i % 50 ? [] : ['第四列'])];
      const height = i % 4 ? 19 + (i % 3) : undefined;
      expect(render.row(r, values, look, height)).toBe(rowXml(r, values, spec, letters, look, height));
    }
  }
  expect(render.row(5, ['A'], 'plain')).toBe('<row r="5" spans="1:3"><c r="A5" t="inlineStr"><is><t>A</t></is></c></row>');
  expect(render.row(6, [1, 'x', 0.5], 'wrap', 30)).toBe(
    '<row r="6" spans="1:3" ht="30" customHeight="1" s="6" customFormat="1"><c r="A6" s="6"><v>1</v></c><c r="B6" s="7" t="inlineStr"><is><t>x</t></is></c><c r="C6" s="8"><v>0.5</v></c></row>',
  );
});
