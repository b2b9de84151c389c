/**
 * A new workbook streamed to a Writable: sheets are rendered row by row straight to worksheet XML (core/ooxml/
 * sheet-stream.ts) and deflated as they go (zip-stream.ts), so a 10,000-project master never exists as cell objects
 * and memory stays bounded by the rows the caller holds. Every sheet has a frozen, repeated header row and prints
 * landscape one page wide; the workbook, styles and package parts are written at the end.
 */
import type { Writable } from 'node:stream';
import {
  ROOT_RELS_XML, STYLES_XML, RowRenderer, appPropsXml, contentTypesXml, corePropsXml, sheetHead, sheetTail, workbookRelsXml, workbookXml,
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

/**
 * Rendered rows are written as UTF-8 straight into buffers of this many bytes, which go to zlib whole: one short
 * string per row is encoded at once, instead of a long string of thousands of pieces being joined and then encoded.
 */
const CHUNK = 256 * 1024;

export class XlsxStream {
  private readonly zip: ZipStream;
  private readonly sheets: SheetEntry[] = [];

  constructor(out: Writable, private readonly creator: string) {
    this.zip = new ZipStream(out);
  }

  /** Writes one sheet: the header row, then `rows` in order. */
  async sheet(sheet: StreamSheet, rows: Iterable<StreamRow>): Promise<void> {
    const spec = { name: sheet.name, columns: sheet.columns, paperSize: sheet.paperSize ?? 9 };
    const render = new RowRenderer(spec);
    let count = 1;
    function* bytes(): Generator<Buffer> {
      let buf = Buffer.allocUnsafe(CHUNK);
      let used = 0;
      // A UTF-16 code unit takes at most 3 bytes of UTF-8.
      function* put(text: string): Generator<Buffer> {
        if (used + 3 * text.length > CHUNK) {
          if (used) {
            yield buf.subarray(0, used);
            buf = Buffer.allocUnsafe(CHUNK);
            used = 0;
          }
          if (3 * text.length > CHUNK) {
            yield Buffer.from(text, 'utf8');
            return;
          }
        }
        used += buf.write(text, used);
      }
      yield* put(sheetHead(spec) + render.row(1, sheet.columns.map((c) => c.header), 'header', 30));
      for (const row of rows) {
        count++;
        yield* put(render.row(count, row.values, row.wrap ? 'wrap' : 'plain', row.height));
      }
      yield* put(sheetTail(spec));
      if (used) yield buf.subarray(0, used);
    }
    await this.zip.add(`xl/worksheets/sheet${this.sheets.length + 1}.xml`, bytes());
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
