/**
 * The sheet writer and the workbook editor together: a workbook made only with core/ooxml (a written sheet moved to
 * the front, styles, notes) passes the ISO/IEC 29500 schema check and reads back in exceljs as written.
 */
import ExcelJS from 'exceljs';
import { strToU8, zipSync } from 'fflate';
import { sheetXml } from '../../../core/ooxml/sheet-writer';
import { Workbook } from '../../../core/ooxml/workbook';
import { Package } from '../../../core/ooxml/package';
import { ContentTypes, CONTENT_TYPES_PART } from '../../../core/ooxml/content-types';
import { Stylesheet } from '../../../core/ooxml/styles';
import { Worksheet } from '../../../core/ooxml/worksheet';
import { addSheetNotes, declareVml } from '../../../core/ooxml/notes';
import { NS, REL } from '../../../core/ooxml/namespaces';
import { withLimits } from '../../../core/limits';
import { schemaErrors } from '../../helpers/ooxml';
import { sheetValues } from '../../helpers/xlsx-xml';

const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** A one-sheet workbook as a unit might send it: a sheet-local print area, the first tab selected, no stylesheet. */
function unitFile(): Uint8Array {
  return zipSync({
    [CONTENT_TYPES_PART]: strToU8(`${DECL}<Types xmlns="${NS.contentTypes}"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`),
    '_rels/.rels': strToU8(`${DECL}<Relationships xmlns="${NS.pkgRel}"><Relationship Id="rId1" Type="${REL.officeDocument}" Target="xl/workbook.xml"/></Relationships>`),
    'xl/workbook.xml': strToU8(`${DECL}<workbook xmlns="${NS.main}" xmlns:r="${NS.rel}"><bookViews><workbookView activeTab="0"/></bookViews><sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets><definedNames><definedName name="_xlnm.Print_Area" localSheetId="0">'数据'!$A$1:$B$2</definedName></definedNames></workbook>`),
    'xl/_rels/workbook.xml.rels': strToU8(`${DECL}<Relationships xmlns="${NS.pkgRel}"><Relationship Id="rId1" Type="${REL.worksheet}" Target="worksheets/sheet1.xml"/></Relationships>`),
    'xl/worksheets/sheet1.xml': strToU8(`${DECL}<worksheet xmlns="${NS.main}"><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>原有</t></is></c></row></sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`),
  });
}

test('sheetXml: escaped text, styles, heights, widths, frozen rows, merges, links and print setup', () => {
  const xml = sheetXml({
    widths: [10, 20],
    rows: [{ r: 1, height: 24, cells: [{ col: 1, text: '<标题> & "引号"', style: 3 }] }, { r: 3, cells: [{ col: 2, text: '跳转', style: 4 }] }],
    freeze: { rows: 2, activeCell: 'B3' },
    selected: true,
    merges: ['A1:B1'],
    links: [{ ref: 'B3', location: "'数据'!A1", display: '数据!A1' }],
    landscape: true,
  });
  expect(xml).toContain('<dimension ref="A1:B3"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="B3" sqref="B3"/></sheetView></sheetViews>');
  expect(xml).toContain('<row r="1" ht="24" customHeight="1"><c r="A1" s="3" t="inlineStr"><is><t xml:space="preserve">&lt;标题&gt; &amp; &quot;引号&quot;</t></is></c></row><row r="3">');
  expect(xml).toContain('<hyperlinks><hyperlink ref="B3" location="\'数据\'!A1" display="数据!A1"/></hyperlinks>');
  expect(xml).toContain('<pageSetup paperSize="9" orientation="landscape"/>');
  expect(sheetXml({ widths: [], rows: [] })).toContain('<dimension ref="A1:A1"/><sheetViews><sheetView workbookViewId="0"></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData></sheetData>');
});

test('a sheet written, styled and moved first, with notes on the old one: schema-valid and read back as written', async () => {
  const pkg = Package.read(unitFile(), withLimits());
  const book = Workbook.open(pkg);
  expect([...book.sheetParts]).toEqual([['数据', 'xl/worksheets/sheet1.xml']]);
  const types = new ContentTypes(pkg.xml(CONTENT_TYPES_PART));
  const stylesPart = book.stylesPart(pkg, types);
  expect(stylesPart).toBe('xl/styles.xml');
  const styles = new Stylesheet(pkg.xml(stylesPart));
  const red = styles.addCellFormat({ numFmtId: 49, fontId: styles.addFont({ bold: true, size: 12, rgb: 'FFC00000' }), fillId: styles.addSolidFill('FFFFC7CE'), alignment: { vertical: 'top' } });

  const data = new Worksheet(pkg.xml('xl/worksheets/sheet1.xml'));
  const a1 = data.cell('A1');
  a1.setAttribute('s', String(styles.withFill(data.styleOf(a1), 2)));
  expect(addSheetNotes(pkg, types, 'xl/worksheets/sheet1.xml', data, new Map([['A1', '请核对']]), '审核', { size: 9, rgb: 'FFC00000' })).toBe(true);
  declareVml(types);
  data.unselect();
  pkg.saveXml('xl/worksheets/sheet1.xml', data.doc);

  const part = `xl/worksheets/sheet${pkg.unused((k) => `xl/worksheets/sheet${k}.xml`)}.xml`;
  pkg.set(part, strToU8(sheetXml({ widths: [12], rows: [{ r: 1, cells: [{ col: 1, text: '新表', style: red }] }], selected: true, links: [{ ref: 'A1', location: "'数据'!A1", display: '数据!A1' }] })));
  book.moveFirst(book.addSheet('清单', part, types));
  pkg.saveXml(stylesPart, styles.doc);
  book.save(pkg);
  pkg.saveXml(CONTENT_TYPES_PART, types.doc);
  const file = pkg.write();

  expect(await schemaErrors(file)).toEqual([]);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ExcelJS.Buffer);
  expect(wb.worksheets.map((w) => w.name)).toEqual(['清单', '数据']);
  expect(wb.getWorksheet('清单')!.getCell('A1').font?.bold).toBe(true);
  expect(wb.getWorksheet('数据')!.getCell('A1').note).toBeTruthy();
  expect(sheetValues(file, '数据').get('A1')).toBe('原有');
  // The print area still belongs to 数据, now the second sheet.
  const printArea = /<definedName name="_xlnm.Print_Area" localSheetId="(\d)">/.exec(new TextDecoder().decode(pkg.bytes('xl/workbook.xml')));
  expect(printArea?.[1]).toBe('1');
  expect(new TextDecoder().decode(pkg.bytes('xl/workbook.xml'))).toContain('<workbookView activeTab="0"/>');
});
