/**
 * 附件2 tables saved as CSV by Excel or WPS: the text decoded in the encoding it was written in, split into rows
 * (csv-parse), then read like any plain table (core/node/workbook/plain.ts). Its own module so that the CSV
 * libraries load only when a CSV arrives (core/node/workbook/parse-worker.ts requires it then).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { ParseResult } from '../../workbook/result';
import { parsePlainGrids, type Grid, type PlainOptions } from './plain';

/** CSV text in the encoding Chinese Excel / WPS wrote it: UTF-8 (BOM or not), UTF-16 with BOM, else GBK/GB18030. */
export function decodeCsv(data: Uint8Array): string {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf[0] === 0xff && buf[1] === 0xfe) return iconv.decode(buf.subarray(2), 'utf-16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) return iconv.decode(buf.subarray(2), 'utf-16be');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf).replace(/^\ufeff/, '');
  } catch {
    return iconv.decode(buf, 'gb18030');
  }
}

export function parsePlainCsv(data: Uint8Array | string, opts: PlainOptions = {}): ParseResult | undefined {
  const text = (typeof data === 'string' ? data : decodeCsv(data)).replace(/^\ufeff/, '');
  // Excel's “Unicode 文本” is tab-separated: take the delimiter the header line uses.
  const headerLine = text.split(/\r?\n/).find((l) => /序号|企业名称/.test(l)) ?? '';
  const delimiter = (headerLine.match(/\t/g) ?? []).length > (headerLine.match(/,/g) ?? []).length ? '\t' : ',';
  let rows: string[][];
  try {
    rows = parseCsv(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: false, delimiter });
  } catch {
    return undefined;
  }
  const name = (opts.fileName ?? 'CSV').replace(/^.*[\\/]/, '');
  const grid: Grid = {
    name, rowCount: Math.min(rows.length, 5000), colCount: Math.min(40, Math.max(0, ...rows.slice(0, 5000).map((r) => r.length))),
    get: (r, c) => rows[r - 1]?.[c - 1] ?? '',
  };
  const header = rows.findIndex((r) => r.some((c) => /序号|企业名称/.test(c)));
  return parsePlainGrids([grid], [name, ...rows.slice(0, Math.min(5, header < 0 ? 5 : header)).map((r) => r.filter(Boolean).join('  '))], opts);
}
