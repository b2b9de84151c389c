/** Notes: comments text (new or appended as its own run), VML note shapes (new ids, no second shape per cell), wired through rels and content types. */
import { strFromU8, strToU8, zipSync } from 'fflate';
import { addComments, EMPTY_COMMENTS } from '../../../core/ooxml/comments';
import { addNoteShapes, emptyVml } from '../../../core/ooxml/vml';
import { addSheetNotes, declareVml } from '../../../core/ooxml/notes';
import { Package } from '../../../core/ooxml/package';
import { ContentTypes, CONTENT_TYPES_PART } from '../../../core/ooxml/content-types';
import { Worksheet } from '../../../core/ooxml/worksheet';
import { NS, REL } from '../../../core/ooxml/namespaces';
import { parseXml, serializeXml } from '../../../core/ooxml/xml';
import { withLimits } from '../../../core/limits';

const STYLE = { bold: true, size: 9, rgb: 'FFC00000' };
const str = (d: Parameters<typeof serializeXml>[0]) => strFromU8(serializeXml(d));

test('a new note, and a note appended to the unit’s own one (its plain text becomes a run of its own)', () => {
  const doc = parseXml(`<comments xmlns="${NS.main}"><authors><author>单位</author></authors><commentList><comment ref="B2" authorId="0"><text><t>单位自己的批注</t></text></comment></commentList></comments>`);
  addComments(doc, '审核', new Map([['B2', '第二条'], ['C3', '新批注']]), STYLE);
  const text = str(doc);
  expect(text).toContain('<authors><author>单位</author><author>审核</author></authors>');
  expect(text).toContain('<comment ref="B2" authorId="0"><text><r><t>单位自己的批注</t></r><r><rPr><b/><sz val="9"/><color rgb="FFC00000"/></rPr><t xml:space="preserve">\n审核：第二条</t></r></text></comment>');
  expect(text).toContain('<comment ref="C3" authorId="1"><text><r><rPr><b/><sz val="9"/><color rgb="FFC00000"/></rPr><t xml:space="preserve">审核：新批注</t></r></text></comment>');
  const fresh = parseXml(EMPTY_COMMENTS);
  addComments(fresh, '审核', new Map([['A1', 'x']]), STYLE);
  addComments(fresh, '审核', new Map([['A2', 'y']]), STYLE);
  expect(fresh.getElementsByTagName('author').length).toBe(1);
});

test('note shapes: one per cell, ids after the block and the highest id already there', () => {
  const vml = parseXml(emptyVml(3));
  addNoteShapes(vml, ['B2', 'AA10']);
  addNoteShapes(vml, ['B2', 'C1']);
  const shapes = Array.from(vml.getElementsByTagNameNS(NS.vml, 'shape'));
  expect(shapes.map((s) => s.getAttribute('id'))).toEqual(['_x0000_s3073', '_x0000_s3074', '_x0000_s3075']);
  const where = shapes.map((s) => ['Row', 'Column'].map((n) => s.getElementsByTagNameNS(NS.vmlExcel, n)[0]!.textContent).join(','));
  expect(where).toEqual(['1,1', '9,26', '0,2']);
  const foreign = parseXml(`<xml xmlns:v="${NS.vml}" xmlns:o="${NS.vmlOffice}"><v:shape id="_x0000_s2050"/></xml>`);
  addNoteShapes(foreign, ['A1']);
  expect(Array.from(foreign.getElementsByTagNameNS(NS.vml, 'shapetype'))).toHaveLength(1);
  expect(Array.from(foreign.getElementsByTagNameNS(NS.vml, 'shape')).map((s) => s.getAttribute('id'))).toEqual(['_x0000_s2050', '_x0000_s2051']);
});

const sheetXml = `<worksheet xmlns="${NS.main}" xmlns:r="${NS.rel}"><sheetData/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`;

test('a sheet without notes gets a comments part and a drawing, related, declared and referenced', () => {
  const pkg = Package.read(zipSync({ [CONTENT_TYPES_PART]: strToU8(`<Types xmlns="${NS.contentTypes}"/>`), 'xl/worksheets/sheet1.xml': strToU8(sheetXml), 'xl/comments1.xml': strToU8(EMPTY_COMMENTS) }), withLimits());
  const types = new ContentTypes(pkg.xml(CONTENT_TYPES_PART));
  const ws = new Worksheet(pkg.xml('xl/worksheets/sheet1.xml'));
  expect(addSheetNotes(pkg, types, 'xl/worksheets/sheet1.xml', ws, new Map([['B2', '请修改']]), '审核', STYLE)).toBe(true);
  declareVml(types);
  const rels = pkg.relationships('xl/worksheets/sheet1.xml');
  // comments1.xml exists already (another sheet's): the next free number is used for both new parts.
  expect(rels.target(REL.comments)).toBe('xl/comments2.xml');
  expect(rels.target(REL.vmlDrawing, ws.legacyDrawingId())).toBe('xl/drawings/vmlDrawing2.vml');
  expect(strFromU8(pkg.bytes('xl/comments2.xml')!)).toContain('审核：请修改');
  expect(strFromU8(pkg.bytes('xl/drawings/vmlDrawing2.vml')!)).toContain('<x:Row>1</x:Row>');
  expect(str(types.doc)).toBe(`<Types xmlns="${NS.contentTypes}"><Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/><Override PartName="/xl/comments2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/></Types>`);
});

test('a drawing that cannot be read safely is left alone and nothing is added', () => {
  const pkg = Package.read(zipSync({
    [CONTENT_TYPES_PART]: strToU8(`<Types xmlns="${NS.contentTypes}"/>`),
    'xl/worksheets/sheet1.xml': strToU8(sheetXml.replace('</worksheet>', '<legacyDrawing r:id="rId1"/></worksheet>')),
    'xl/worksheets/_rels/sheet1.xml.rels': strToU8(`<Relationships xmlns="${NS.pkgRel}"><Relationship Id="rId1" Type="${REL.vmlDrawing}" Target="../drawings/vmlDrawing1.vml"/></Relationships>`),
    'xl/drawings/vmlDrawing1.vml': strToU8('<xml><broken></xml>'),
  }), withLimits());
  const types = new ContentTypes(pkg.xml(CONTENT_TYPES_PART));
  expect(addSheetNotes(pkg, types, 'xl/worksheets/sheet1.xml', new Worksheet(pkg.xml('xl/worksheets/sheet1.xml')), new Map([['A1', 'x']]), '审核', STYLE)).toBe(false);
  expect(pkg.has('xl/comments1.xml')).toBe(false);
  expect(strFromU8(pkg.bytes('xl/drawings/vmlDrawing1.vml')!)).toBe('<xml><broken></xml>');
});
