/** Editing an existing worksheet: cells created in row and column order, spans widened, merged anchors, legacy drawing, tab selection. */
import { strFromU8 } from 'fflate';
import { Worksheet } from '../../../core/ooxml/worksheet';
import { NS } from '../../../core/ooxml/namespaces';
import { parseXml, serializeXml } from '../../../core/ooxml/xml';

const sheet = (body: string) => new Worksheet(parseXml(`<worksheet xmlns="${NS.main}" xmlns:r="${NS.rel}">${body}</worksheet>`));
const text = (ws: Worksheet) => strFromU8(serializeXml(ws.doc)).replace(/^<worksheet[^>]*>|<\/worksheet>$/g, '');

test('cells are found or created in order; a row without r follows the previous one', () => {
  const ws = sheet('<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetData><row r="2" spans="2:3"><c r="B2" s="4"><v>1</v></c><c r="D2"/></row><row><c r="A3"/></row></sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>');
  expect(ws.cell('B2').getAttribute('s')).toBe('4');
  expect(ws.styleOf(ws.cell('B2'))).toBe(4);
  ws.cell('C2');
  ws.cell('E2');
  ws.cell('B3');
  ws.cell('A1');
  expect(ws.styleOf(ws.cell('A1'))).toBe(0);
  expect(text(ws)).toBe('<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetData><row r="1"><c r="A1"/></row><row r="2" spans="2:5"><c r="B2" s="4"><v>1</v></c><c r="C2"/><c r="D2"/><c r="E2"/></row><row><c r="A3"/><c r="B3"/></row></sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>');
  expect(ws.unselect()).toBe(true);
  expect(ws.unselect()).toBe(false);
});

test('a sheet without sheetData gets one in its place; merged cells answer with their anchor', () => {
  const ws = sheet('<dimension ref="A1"/><mergeCells count="1"><mergeCell ref="B2:C3"/></mergeCells>');
  expect(ws.mergeAnchor('C3')).toBe('B2');
  expect(ws.mergeAnchor('D3')).toBe('D3');
  ws.cell('D3');
  expect(text(ws)).toBe('<dimension ref="A1"/><sheetData><row r="3"><c r="D3"/></row></sheetData><mergeCells count="1"><mergeCell ref="B2:C3"/></mergeCells>');
});

test('the legacy drawing is added before the elements that follow it, or repointed', () => {
  const ws = sheet('<sheetData/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><tableParts count="0"/>');
  expect(ws.legacyDrawingId()).toBeUndefined();
  ws.setLegacyDrawing('rId7');
  expect(ws.legacyDrawingId()).toBe('rId7');
  expect(text(ws)).toContain('<legacyDrawing r:id="rId7"/><tableParts count="0"/>');
  ws.setLegacyDrawing('rId8');
  expect(text(ws).match(/legacyDrawing/g)).toHaveLength(1);
  expect(new Worksheet(parseXml(`<chartsheet xmlns="${NS.main}"/>`)).isWorksheet).toBe(false);
});
