/** The stylesheet editor: base entries added to an empty stylesheet, formats appended (never changed), one filled copy per format. */
import { strFromU8 } from 'fflate';
import { EMPTY_STYLESHEET, Stylesheet } from '../../../core/ooxml/styles';
import { children, first, parseXml, serializeXml } from '../../../core/ooxml/xml';

const count = (s: Stylesheet, coll: string, item: string) => children(first(s.doc.documentElement!, coll)!, item).length;

test('an empty stylesheet gets the default font, the two reserved fills, a border and the default formats, in schema order', () => {
  const s = new Stylesheet(parseXml(EMPTY_STYLESHEET));
  expect(children(s.doc.documentElement!, 'fonts').concat(children(s.doc.documentElement!, 'cellXfs')).length).toBe(2);
  expect(Array.from(s.doc.documentElement!.childNodes as ArrayLike<{ localName: string }>).map((n) => n.localName)).toEqual(['fonts', 'fills', 'borders', 'cellStyleXfs', 'cellXfs']);
  expect(strFromU8(serializeXml(s.doc))).toContain('<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>');
});

test('fonts, fills and formats are appended and counted; a filled copy keeps the rest of the format and is made once', () => {
  const s = new Stylesheet(parseXml(`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts><fonts count="1"><font><sz val="11"/></font></fonts><fills count="2"><fill/><fill/></fills><borders count="2"><border/><border><left style="thin"/></border></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="1" applyNumberFormat="1"><protection locked="0"/></xf></cellXfs><dxfs count="0"/></styleSheet>`));
  const fill = s.addSolidFill('FFFFC7CE');
  expect(fill).toBe(2);
  const font = s.addFont({ bold: true, underline: true, size: 14, rgb: 'FFC00000', name: '宋体', charset: 134 });
  expect(font).toBe(1);
  const xf = s.addCellFormat({ numFmtId: 49, fontId: font, fillId: fill, alignment: { vertical: 'top', wrapText: true } });
  expect(xf).toBe(2);
  const copy = s.withFill(1, fill);
  expect(s.withFill(1, fill)).toBe(copy);
  expect(s.withFill(99, fill)).toBe(copy + 1); // unknown formats are taken as the default one
  expect([count(s, 'fills', 'fill'), count(s, 'fonts', 'font'), count(s, 'cellXfs', 'xf')]).toEqual([3, 2, 5]);
  const text = strFromU8(serializeXml(s.doc));
  expect(text).toContain('<font><b/><u/><sz val="14"/><color rgb="FFC00000"/><name val="宋体"/><charset val="134"/></font>');
  expect(text).toContain('<xf numFmtId="49" fontId="1" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>');
  expect(text).toContain('<xf numFmtId="164" fontId="0" fillId="2" borderId="1" applyNumberFormat="1" applyFill="1"><protection locked="0"/></xf>');
  expect(text).toContain('<cellXfs count="5">');
});
