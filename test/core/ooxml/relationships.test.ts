/** Relationships and content types: targets resolve like the guard resolves them, new ids never collide, types are declared once. */
import { Relationships } from '../../../core/ooxml/relationships';
import { ContentTypes } from '../../../core/ooxml/content-types';
import { relativeTarget, relsPartOf, resolveTarget } from '../../../core/ooxml/opc';
import { NS, REL } from '../../../core/ooxml/namespaces';
import { parseXml, serializeXml } from '../../../core/ooxml/xml';
import { strFromU8 } from 'fflate';

test('targets: relative, absolute, external and out-of-package', () => {
  expect(relsPartOf('xl/worksheets/sheet1.xml')).toBe('xl/worksheets/_rels/sheet1.xml.rels');
  expect(relsPartOf('')).toBe('_rels/.rels');
  expect(resolveTarget('xl/worksheets/sheet1.xml', '../comments1.xml')).toBe('xl/comments1.xml');
  expect(resolveTarget('xl/workbook.xml', '/xl/styles.xml')).toBe('xl/styles.xml');
  expect(resolveTarget('xl/workbook.xml', '../../etc/passwd')).toBeUndefined();
  expect(resolveTarget('xl/workbook.xml', 'https://example.com/x')).toBeUndefined();
  expect(relativeTarget('xl/worksheets/sheet1.xml', 'xl/comments1.xml')).toBe('../comments1.xml');
  expect(relativeTarget('xl/worksheets/sheet1.xml', 'xl/drawings/vmlDrawing1.vml')).toBe('../drawings/vmlDrawing1.vml');
  expect(relativeTarget('xl/workbook.xml', 'xl/worksheets/sheet9.xml')).toBe('worksheets/sheet9.xml');
  for (const [from, to] of [['xl/worksheets/sheet1.xml', 'xl/comments1.xml'], ['xl/workbook.xml', 'xl/styles.xml'], ['', 'xl/workbook.xml']] as const) {
    expect(resolveTarget(from, relativeTarget(from, to))).toBe(to);
  }
});

test('a relationship added gets the next free id and a target relative to its source', () => {
  const rels = new Relationships('xl/worksheets/sheet1.xml', parseXml(`<Relationships xmlns="${NS.pkgRel}"><Relationship Id="rId2" Type="${REL.vmlDrawing}" Target="../drawings/vmlDrawing1.vml"/><Relationship Id="rId3" Type="${REL.comments}" Target="https://example.com/c.xml" TargetMode="External"/></Relationships>`));
  expect(rels.target(REL.vmlDrawing, 'rId2')).toBe('xl/drawings/vmlDrawing1.vml');
  expect(rels.target(REL.vmlDrawing, 'rId9')).toBeUndefined();
  expect(rels.target(REL.comments)).toBeUndefined();
  expect(rels.add(REL.comments, 'xl/comments4.xml')).toBe('rId4');
  expect(rels.add(REL.comments, 'xl/comments5.xml')).toBe('rId5');
  expect(rels.targets()).toEqual(new Map([['rId2', 'xl/drawings/vmlDrawing1.vml'], ['rId4', 'xl/comments4.xml'], ['rId5', 'xl/comments5.xml']]));
  expect(strFromU8(serializeXml(rels.doc))).toContain(`<Relationship Id="rId4" Type="${REL.comments}" Target="../comments4.xml"/>`);
  expect(Relationships.empty('xl/workbook.xml').list()).toEqual([]);
});

test('content types: an override per part, a default per extension before the overrides, never twice', () => {
  const types = new ContentTypes(parseXml(`<Types xmlns="${NS.contentTypes}"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="wb"/></Types>`));
  types.override('xl/comments1.xml', 'c');
  types.override('xl/comments1.xml', 'c');
  types.extension('vml', 'v');
  types.extension('VML', 'v');
  expect(strFromU8(serializeXml(types.doc))).toBe(`<Types xmlns="${NS.contentTypes}"><Default Extension="xml" ContentType="application/xml"/><Default Extension="vml" ContentType="v"/><Override PartName="/xl/workbook.xml" ContentType="wb"/><Override PartName="/xl/comments1.xml" ContentType="c"/></Types>`);
});
