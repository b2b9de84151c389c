/**
 * A new workbook streamed to a Writable: sheets are rendered row by row straight to worksheet XML (core/ooxml/
 * sheet-stream.ts) and deflated as they go (zip-stream.ts), so a 10,000-project master never exists as cell objects
 * and memory stays bounded by the rows the caller holds. Every sheet has a frozen, repeated header row and prints
 * landscape one page wide; the workbook, styles and package parts are written at the end.
 */
import type { Writable } from 'node:stream';
import {
  ROOT_RELS_XML, STYLES_XML, appPropsXml, columnLetters, contentTypesXml, corePropsXml, rowXml, sheetHead, sheetTail, workbookRelsXml, workbookXml,
  type CellValue, type SheetEntry, type StreamColumn,
} from '../../ooxml/sheet-stream';
import { ZipStream } from './zip-stream';

export interface StreamRow {
  values: readonly CellValue[];
  /** Wrapped, top-aligned text (with a height fitting the longest cell); plain otherwise. */
  wrap?: boolean;
  height?: number;
}

export interface StreamSheet {
  name: string;
  columns: Array<StreamColumn & { header: string }>;
  paperSize?: 8 | 9;
  /** Only the first `printColumns` columns are printed (the rest are for screens and tools). */
  printColumns?: number;
}

/** Rendered text is handed to zlib in pieces of about this many characters. */
const CHUNK = 64 * 1024;

export class XlsxStream {
  private readonly zip: ZipStream;
  private readonly sheets: SheetEntry[] = [];

  constructor(out: Writable, private readonly creator: string) {
    this.zip = new ZipStream(out);
  }

  /** Writes one sheet: the header row, then `rows` in order. */
  async sheet(sheet: StreamSheet, rows: Iterable<StreamRow>): Promise<void> {
    const spec = { name: sheet.name, columns: sheet.columns, paperSize: sheet.paperSize ?? 9 };
    const letters = columnLetters(spec.columns.length);
    let count = 1;
    function* text(): Generator<string> {
      let buf = sheetHead(spec) + rowXml(1, sheet.columns.map((c) => c.header), spec, letters, 'header', 30);
      for (const row of rows) {
        count++;
        buf += rowXml(count, row.values, spec, letters, row.wrap ? 'wrap' : 'plain', row.height);
        if (buf.length >= CHUNK) {
          yield buf;
          buf = '';
        }
      }
      yield buf + sheetTail(spec);
    }
    await this.zip.add(`xl/worksheets/sheet${this.sheets.length + 1}.xml`, text());
    this.sheets.push({ name: sheet.name, ...(sheet.printColumns ? { printArea: { lastCol: sheet.printColumns, lastRow: count } } : {}) });
  }

  /** The workbook and package parts, then the zip directory; ends the output. */
  async finish(): Promise<void> {
    const n = this.sheets.length;
    await this.zip.add('[Content_Types].xml', [contentTypesXml(n)]);
    await this.zip.add('_rels/.rels', [ROOT_RELS_XML]);
    await this.zip.add('docProps/core.xml', [corePropsXml(this.creator, new Date())]);
    await this.zip.add('docProps/app.xml', [appPropsXml()]);
    await this.zip.add('xl/workbook.xml', [workbookXml(this.sheets)]);
    await this.zip.add('xl/_rels/workbook.xml.rels', [workbookRelsXml(n)]);
    await this.zip.add('xl/styles.xml', [STYLES_XML]);
    await this.zip.finish();
  }
}
