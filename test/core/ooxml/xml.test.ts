/** XML text and the strict parser: escaping, characters XML 1.0 cannot carry, DTDs refused, element order kept. */
import { appendCounted, children, ensureChild, escapeXml, make, parseXml, serializeXml, xmlText, XmlError } from '../../../core/ooxml/xml';
import { strFromU8 } from 'fflate';

test('escaping and text XML can carry', () => {
  expect(escapeXml('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
  expect(xmlText('控制\u0001字符\u0008 \ud800 结束\r\n下一行\r末行', 100)).toBe('控制字符  结束\n下一行\n末行');
  expect(xmlText('😀 pairs stay', 100)).toBe('😀 pairs stay');
  expect(xmlText('一二三四五', 3)).toBe('一二…');
  expect(xmlText(undefined, 3)).toBe('');
});

test('the parser refuses DTDs, entities and broken markup', () => {
  expect(() => parseXml('<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')).toThrow(XmlError);
  expect(() => parseXml('<worksheet><sheetData>')).toThrow(XmlError);
  expect(() => parseXml('')).toThrow(XmlError);
  expect(parseXml(new TextEncoder().encode('<x a="1"/>')).documentElement!.getAttribute('a')).toBe('1');
});

test('a missing child goes to its place in the schema sequence; counted collections keep their count', () => {
  const doc = parseXml('<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="0"/><cellXfs count="0"/></styleSheet>');
  const root = doc.documentElement!;
  ensureChild(doc, root, 'fills', ['fonts', 'fills', 'borders', 'cellXfs']);
  expect(children(root, 'fills')).toHaveLength(1);
  expect(Array.from(root.childNodes as ArrayLike<{ localName: string }>).map((n) => n.localName)).toEqual(['fonts', 'fills', 'cellXfs']);
  const fonts = children(root, 'fonts')[0]!;
  expect(appendCounted(fonts, make(doc, 'font'))).toBe(0);
  expect(appendCounted(fonts, make(doc, 'font'))).toBe(1);
  expect(strFromU8(serializeXml(doc))).toContain('<fonts count="2"><font/><font/></fonts>');
});
