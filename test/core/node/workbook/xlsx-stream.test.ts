/**
 * The streamed workbook writer (core/node/workbook/xlsx-stream.ts) encodes rendered rows into fixed-size buffers:
 * text of every width (ASCII, Chinese, characters outside the BMP) across thousands of rows, so buffer boundaries
 * fall everywhere, and a single cell larger than a buffer, all read back intact by exceljs and by a plain XML reader.
 */
import { PassThrough, Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { XlsxStream, type StreamRow } from '../../../../core/node/workbook/xlsx-stream';
import { sheetValues } from '../../../helpers/xlsx-xml';

async function write(sheets: Array<{ name: string; rows: StreamRow[] }>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((r) => out.on('end', () => r()));
  const xlsx = new XlsxStream(out, '测试');
  for (const s of sheets) await xlsx.sheet({ name: s.name, columns: [{ header: '文本', width: 20 }, { header: '数', width: 8 }, { header: '备注', width: 30, numFmt: '@' }] }, s.rows);
  await xlsx.finish();
  await ended;
  return Buffer.concat(chunks);
}

test('thousands of rows of mixed-width text and one cell larger than a buffer come back as written (an empty string as a blank cell)', async () => {
  const huge = '包头红色工地😀'.repeat(30_000); // 240,000 UTF-16 units, ~630 KB of UTF-8
  const rows: StreamRow[] = Array.from({ length: 4000 }, (_, i) => ({
    values: [i === 1234 ? huge : `${'项目'.repeat(i % 37)}${'x'.repeat(i % 11)}${i % 5 ? '' : '🏗️'}`, i, i % 3 ? `备注${i}` : ''],
    wrap: i % 2 === 0,
    height: i % 2 === 0 ? 20 + (i % 4) : undefined,
  }));
  const file = await write([{ name: '甲', rows }, { name: '乙', rows: [{ values: [huge, 1, huge] }] }]);

  const values = sheetValues(file, '甲');
  for (let i = 0; i < rows.length; i++) {
    const [a, b, c] = rows[i]!.values;
    // A blank cell, not an empty text: Excel's COUNTA and ISBLANK count it as nothing written.
    expect([values.get(`A${i + 2}`), values.get(`B${i + 2}`), values.get(`C${i + 2}`)]).toEqual([a, b, c].map((v) => (v === '' ? undefined : v)));
  }
  expect(sheetValues(file, '乙').get('C2')).toBe(huge);

  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('甲')!;
  expect(ws.rowCount).toBe(rows.length + 1);
  expect(ws.getCell('A1236').value).toBe(huge);
  expect(ws.getCell('A4001').value).toBe(rows[3999]!.values[0]);
  expect([ws.getRow(3).height, ws.getRow(4).height]).toEqual([undefined, 22]);
  expect(wb.getWorksheet('乙')!.getCell('A2').value).toBe(huge);
});

test('a dozen sheets come back whole and in order, each rendered while zlib still compresses the one before', async () => {
  const names = Array.from({ length: 12 }, (_, k) => `第${k + 1}表`);
  const sheets = names.map((name, k) => ({ name, rows: Array.from({ length: 2500 }, (_, i): StreamRow => ({ values: [`${name}行${i}${'包头'.repeat(k % 5)}`, i * (k + 1), `备注${k}-${i}`] })) }));
  // (sheetValues reads each sheet's XML as written: every row of every sheet is checked where it matters most, at the ends.)
  const file = await write(sheets);
  for (const [k, s] of sheets.entries()) {
    const values = sheetValues(file, s.name);
    for (const i of [0, 1249, 2499]) expect([s.name, values.get(`A${i + 2}`), values.get(`B${i + 2}`)]).toEqual([s.name, s.rows[i]!.values[0], i * (k + 1)]);
  }
  // The entries stand in the order added: sheet1 … sheet12, then the package parts.
  const order = Object.keys(unzipSync(file, { filter: (f) => f.name.startsWith('xl/worksheets/') }));
  expect(order).toEqual(names.map((_, k) => `xl/worksheets/sheet${k + 1}.xml`));
});

test('an output that fails part-way: the writer rejects with its error and stops, nothing left unhandled', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    // The whole output is ~720 KB: it fails in the first entry's header, in the first sheet, and sheets later.
    for (const failAt of [10, 50_000, 400_000]) {
      let taken = 0;
      const out = new Writable({
        write(chunk: Buffer, _enc, done) {
          taken += chunk.length;
          done(taken > failAt ? new Error(`磁盘已满（${failAt}）`) : undefined);
        },
      });
      out.on('error', () => undefined);
      const xlsx = new XlsxStream(out, '测试');
      const rows = Array.from({ length: 6000 }, (_, i): StreamRow => ({ values: [`行${i}`, i, '包头'.repeat(20)] }));
      const run = async () => {
        for (let k = 0; k < 6; k++) await xlsx.sheet({ name: `表${k}`, columns: [{ header: '文本', width: 20 }, { header: '数', width: 8 }, { header: '备注', width: 30 }] }, rows);
        await xlsx.finish();
      };
      await expect(run()).rejects.toThrow(`磁盘已满（${failAt}）`);
    }
    await new Promise((r) => setImmediate(r));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
