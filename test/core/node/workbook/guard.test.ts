/** Hostile inputs, generated here (never committed): each is refused with a Chinese reason and the process lives on. */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { hostileFiles, HOSTILE_NAMES, type HostileCase } from '../../../helpers/hostile';
import { buildTemplate } from '../../../../core/node/workbook/build';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseUntrusted, parseUntrustedFile, parseUntrustedFiles, detectFormat, inspectZip, inspectPackage, countRowTags, mayHoldRows, ROW_TAG_BYTES, GUARD_MSG } from '../../../../core/node/workbook/guard';
import { parseLocal, LOCAL_BYTES } from '../../../../core/node/workbook/local';
import { parseWorkbook, PARSE_MSG } from '../../../../core/node/workbook/parse';
import { rawEntries, rawZip } from '../../../../bench/hostile-files';
import { ParsePool, POOL_MSG } from '../../../../core/node/workbook/pool';
import { withLimits } from '../../../../core/limits';
import { fillWorkbook, projectFields, REPORTER } from '../../../helpers/workbook';
import { docx } from '../../../helpers/evidence';


let good: Buffer;
let pool: ParsePool;
let cases: HostileCase[];
beforeAll(async () => {
  good = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1), answers: { 'A01-1': '达到' } }]);
  pool = new ParsePool(withLimits());
  cases = hostileFiles(good);
});
afterAll(() => pool.close());

describe('hostile files are refused with a Chinese reason; the process stays alive', () => {
  test.each(HOSTILE_NAMES)('%s', async (name) => {
    const [, make, expected] = cases.find((c) => c[0] === name)!;
    const before = process.memoryUsage().rss;
    const r = await parseUntrusted(make(), { fileName: 'upload.xlsx', pool });
    expect(r.kind).toBe('rejected');
    expect(r.submission).toBeUndefined();
    expect(r.issues).toHaveLength(1);
    if (typeof expected === 'string') expect(r.issues[0]!.message).toBe(expected);
    else expect(r.issues[0]!.message).toMatch(expected);
    // Still serving: the next good file parses.
    const ok = await parseUntrusted(good, { pool });
    expect(ok.submission?.projects).toHaveLength(1);
    expect(process.memoryUsage().rss - before).toBeLessThan(400 * 1024 * 1024);
  });
});

describe('worker limits', () => {
  test('a parse over its time limit is cut off, and the pool recovers', async () => {
    const slow = new ParsePool(withLimits({ parseMs: 1 }));
    const r = await parseUntrusted(good, { pool: slow });
    expect(r.issues[0]!.message).toBe(POOL_MSG.timeout);
    await slow.close();
    expect((await parseUntrusted(good, { pool })).submission).toBeDefined();
  });

  test('a parse over its heap cap is refused, not fatal', async () => {
    const tiny = new ParsePool(withLimits({ parseHeapMb: 4 }));
    const big = await fillWorkbook(await buildTemplate({ projects: 50 }), REPORTER, Array.from({ length: 50 }, (_, i) => ({ fields: projectFields(i + 1, { remark: '备注'.repeat(200) }) })));
    const r = await parseUntrusted(big, { pool: tiny });
    expect(r.kind).toBe('rejected');
    expect([POOL_MSG.memory, POOL_MSG.crashed]).toContain(r.issues[0]!.message);
    await tiny.close();
  });

  test('a file that stops the worker in a job of several files is told so; the other files of the job are read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-guard-files-'));
    // Opening a named pipe nobody writes to never returns: the job runs out of time, whatever the machine's speed.
    const stuck = new ParsePool(withLimits({ parseMs: 4000 }));
    try {
      fs.writeFileSync(path.join(dir, '1.xlsx'), good);
      execFileSync('mkfifo', [path.join(dir, '2.xlsx')]);
      fs.writeFileSync(path.join(dir, '3.xlsx'), good);
      const files = ['1.xlsx', '2.xlsx', '3.xlsx'].map((name) => ({ path: path.join(dir, name), fileName: name }));
      const [first, second, third] = await parseUntrustedFiles(files, { pool: stuck });
      expect(first!.submission?.projects).toHaveLength(1);
      expect(second).toMatchObject({ kind: 'rejected', issues: [{ message: POOL_MSG.timeout }] });
      expect(third!.submission?.projects).toHaveLength(1);
    } finally {
      await stuck.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  test('many files in parallel through two workers all come back', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => parseUntrusted(good, { pool })));
    expect(results.every((r) => r.submission?.projects.length === 1)).toBe(true);
  });
});

test('a file named to the worker (merge, import) answers as its bytes do; unreadable, too large, empty and other files are refused the same way', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-guard-file-'));
  const small = new ParsePool(withLimits({ uploadBytes: 1000 }));
  try {
    const write = (name: string, data: Uint8Array | string) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, data);
      return file;
    };
    const csv = Buffer.from(`序号,企业名称,项目情况,负责人,联系电话,开竣工日期,旗县区\n1,${REPORTER.unit},北梁棚户区改造安置房1号楼,李红,13912345678,2024.03-2025.10,东河区\n`);
    const cases: Array<[string, Uint8Array | string]> = [['申报.xlsx', good], ['回执.csv', csv], ['回执.pdf', '%PDF-1.4 x'], ['空.xlsx', ''], ['申报.zip', good], ['回执.docx', await docx('序号 企业名称')]];
    for (const [name, data] of cases) {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      const expected = await parseUntrusted(bytes, { pool, fileName: name });
      expect([name, await parseUntrustedFile(write(name, data), { pool, fileName: name })]).toEqual([name, expected]);
    }
    expect((await parseUntrustedFile(path.join(dir, '申报.xlsx'), { pool, fileName: '申报.xlsx' })).submission?.projects).toHaveLength(1);
    expect((await parseUntrustedFile(path.join(dir, '回执.pdf'), { pool })).issues[0]!.message).toBe(GUARD_MSG.pdf);
    // Larger than the upload limit: refused before it is read, with the same words as an upload.
    expect((await parseUntrustedFile(path.join(dir, '申报.xlsx'), { pool: small })).issues[0]!.message).toBe(GUARD_MSG.tooLarge(good.byteLength, 1000));
    // Gone, or a folder: the system's reason, and nothing else breaks.
    const gone = await parseUntrustedFile(path.join(dir, '不存在.xlsx'), { pool });
    expect(gone).toMatchObject({ kind: 'rejected', issues: [{ severity: 'error', field: 'file', message: expect.stringMatching(/^无法读取文件：.*ENOENT/) }] });
    expect((await parseUntrustedFile(dir, { pool })).issues[0]!.message).toMatch(/^无法读取文件：.*EISDIR/);

    // Several files in one worker job (merge, import read so): each answer as that file's own job gives it, in order.
    const files: Array<{ path: string; fileName?: string }> = [
      ...cases.map(([name]) => ({ path: path.join(dir, name), fileName: name })), { path: path.join(dir, '不存在.xlsx') }, { path: dir }, { path: path.join(dir, '申报.xlsx') },
    ];
    const alone: unknown[] = [];
    for (const f of files) alone.push(await parseUntrustedFile(f.path, { pool, fileName: f.fileName }));
    expect(await parseUntrustedFiles(files, { pool })).toEqual(alone);
    expect(await parseUntrustedFiles(files.slice(0, 1), { pool })).toEqual(alone.slice(0, 1));
  } finally {
    await small.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('format detection: CSV by name and content; xlsx by magic', () => {
  expect(detectFormat(strToU8('序号,企业名称\n1,甲'), '回执.csv')).toEqual({ format: 'csv' });
  expect(detectFormat(good, 'x.xlsx')).toEqual({ format: 'xlsx' });
  expect(detectFormat(strToU8('just text'), 'x.docx').format).toBe('rejected');
});

test('row elements are counted in the bytes as the pattern <(prefix:)?row[\\s>] counts them in the text', async () => {
  const pattern = /<(?:\w+:)?row[\s>]/g;
  const byPattern = (b: Buffer) => b.toString('latin1').match(pattern)?.length ?? 0;
  const samples = [
    '<row r="1"><c/></row><row>', '<x:row r="1"/><x_1:row\t/><:row >', '<row/><rowx><rows><arrow ><a row>', 'row> <row\n<row\r\n<ROW >',
    '< row ><a:b:row ><ns:row>', `<row${String.fromCharCode(0xa0)}r="1">`, 'row', '', '<row', '<r:row',
  ].map((x) => Buffer.from(x, 'latin1'));
  const parts = await inspectPackage(good);
  if (typeof parts === 'string') throw new Error(parts);
  samples.push(...[...parts.values()].map((p) => Buffer.from(p)));
  // Random mixes of the characters that matter.
  let seed = 7;
  const alphabet = ['<', 'row', ':', 'x', '_', ' ', '>', '\n', 'r', '/', '1'];
  for (let k = 0; k < 300; k++) samples.push(Buffer.from(Array.from({ length: 40 }, () => alphabet[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length]).join(''), 'latin1'));
  expect(samples.some((b) => byPattern(b) > 3)).toBe(true);
  for (const b of samples) expect([b.toString('latin1'), countRowTags(b, 1e9)]).toEqual([b.toString('latin1'), byPattern(b)]);
  // It stops once past the limit.
  expect(countRowTags(Buffer.from('<row>'.repeat(100)), 10)).toBe(11);
  // A part too small to hold more rows than the limit is not searched: no part holds more rows than that bound allows.
  for (const b of samples) expect(mayHoldRows(b.length, countRowTags(b, 1e9))).toBe(true);
  expect([mayHoldRows(ROW_TAG_BYTES * 11, 11), mayHoldRows(ROW_TAG_BYTES * 11 - 1, 11)]).toEqual([true, false]);
});

test('a sheet with one row more than the limit, in as few bytes as rows can take, is refused; one row fewer is not', async () => {
  const limits = withLimits({ sheetRows: 2000 });
  const parts = unzipSync(good);
  const sheet = Object.keys(parts).find((k) => /^xl\/worksheets\/sheet\d+\.xml$/.test(k) && strFromU8(parts[k]!).includes('<row'))!;
  const own = countRowTags(parts[sheet]!, 1e9);
  /** The sheet with rows added until it holds `n`: each added one is “<row>” (nested, so the part stays well-formed). */
  const withRows = (n: number) => {
    const added = n - own;
    return zipSync({ ...parts, [sheet]: strToU8(strFromU8(parts[sheet]!).replace('<sheetData>', `<sheetData>${'<row>'.repeat(added)}${'</row>'.repeat(added)}`)) });
  };
  expect(typeof (await inspectPackage(withRows(2000), limits))).not.toBe('string');
  expect(await inspectPackage(withRows(2001), limits)).toMatch(/^工作表《.+》的行数超过 2000 行/);
});

test('a DOCTYPE or ENTITY declaration is refused wherever it stands in any part, in any case; other “!” are not', async () => {
  const withPart = (name: string, xml: string) => {
    const parts = unzipSync(good);
    parts[name] = strToU8(xml);
    return zipSync(parts);
  };
  const refused = ['<!DOCTYPE x>', '<!doctype x>', '<!Entity y "z">', '<!ENTITY'];
  for (const decl of refused) {
    // At the very start, after the root element, at the very end (nothing after it).
    for (const xml of [`${decl}<worksheet/>`, `<worksheet><sheetData/></worksheet>${decl}`, `<worksheet>${decl}</worksheet>`]) {
      expect([xml, await inspectPackage(withPart('xl/worksheets/sheet2.xml', xml))]).toEqual([xml, GUARD_MSG.doctype('xl/worksheets/sheet2.xml')]);
    }
  }
  expect(await inspectPackage(withPart('docProps/custom.xml', '<!DOCTYPE'))).toBe(GUARD_MSG.doctype('docProps/custom.xml'));
  // “!” in formulas ('申报表'!B7), text, comments and CDATA, and “<!” before other words: not declarations.
  for (const xml of ["<worksheet><f>'申报表'!B7&amp;\"!\"</f><t>好!</t><!-- ! --><![CDATA[<!x]]></worksheet>", '!<worksheet/>!', '<!DOCTYP<worksheet/>', '<worksheet><t>!DOCTYPE !ENTITY</t></worksheet>']) {
    expect(typeof (await inspectPackage(withPart('xl/worksheets/sheet6.xml', xml)))).toBe('object');
  }
});

test('a genuine workbook passes the zip inspection', async () => {
  expect(await inspectZip(good)).toBeUndefined();
});

test('the guard inflates each part once and the reader reads those parts: same result as reading the file', async () => {
  const parts = await inspectPackage(good);
  if (typeof parts === 'string') throw new Error(parts);
  // XML parts only (pictures are inflated to be checked, then dropped), by their case-insensitive key.
  expect([...parts.keys()]).toEqual(expect.arrayContaining(['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/sharedstrings.xml']));
  expect([...parts.keys()].every((k) => /\.(xml|rels|vml)$/.test(k))).toBe(true);
  const fromParts = await parseWorkbook(good, { parts });
  const fromFile = await parseWorkbook(good);
  expect(fromParts.submission?.projects.length).toBe(1);
  expect(fromParts).toEqual(fromFile);
  expect(await parseUntrusted(good, { pool })).toEqual(fromFile);
});

test('stored entries must hold what they declare; unknown compression methods are refused', async () => {
  const entries = rawEntries(good);
  const stored = entries.map((e) => (e.name === 'xl/styles.xml' ? { ...e, stored: Buffer.from('<styleSheet/>'), deflated: false, declaredSize: 500 } : e));
  expect(await inspectZip(rawZip(stored))).toBe(GUARD_MSG.sizeMismatch('xl/styles.xml'));
  const fine = entries.map((e) => (e.name === 'xl/styles.xml' ? { ...e, stored: Buffer.from('<styleSheet/>'), deflated: false, declaredSize: 13 } : e));
  expect(await inspectZip(rawZip(fine))).toBeUndefined();
  const truncated = entries.map((e) => (e.name === 'xl/workbook.xml' ? { ...e, stored: e.stored.subarray(0, 10) } : e));
  expect(await inspectZip(rawZip(truncated))).toBe(GUARD_MSG.corrupt);
});

test.each(['_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/workbook.xml'])('%s not well-formed: refused as unreadable, through the guard and the reader', async (part) => {
  const parts = unzipSync(good);
  parts[part] = strToU8(`${strFromU8(parts[part]!)}</extra>`);
  const r = await parseUntrusted(zipSync(parts), { pool });
  expect(r.kind).toBe('rejected');
  expect(r.issues.map((i) => i.message)).toEqual([PARSE_MSG.unreadable]);
});

test('a Word 回执 whose document.xml is not well-formed is refused by the guard, before mammoth reads it', async () => {
  const parts = unzipSync(await docx('附件2 回执'));
  expect(await inspectZip(zipSync(parts), withLimits(), 'docx')).toBeUndefined();
  parts['word/document.xml'] = strToU8(`${strFromU8(parts['word/document.xml']!)}</extra>`);
  expect(await inspectZip(zipSync(parts), withLimits(), 'docx')).toBe(GUARD_MSG.corrupt);
});

describe('parseLocal (one file, one command): small files are read in this process, the same way', () => {
  test('a genuine workbook reads as through the worker', async () => {
    expect(await parseLocal(good, { pool })).toEqual(await parseUntrusted(good, { pool }));
  });

  test.each(['XML entity expansion', 'lying entry: a picture declares 1,000 bytes and inflates to 1 GiB', 'answers sheet moved to xl/sub/sheet3.xml with 30,000 rows', 'truncated zip', 'zip bomb (one huge entry, ratio ~1000:1)'])(
    'refuses %s with the same reason',
    async (name) => {
      const [, make, expected] = cases.find((c) => c[0] === name)!;
      const result = await parseLocal(make(), { pool });
      expect(result.kind).toBe('rejected');
      if (typeof expected === 'string') expect(result.issues[0]!.message).toBe(expected);
      else expect(result.issues[0]!.message).toMatch(expected);
    },
  );

  test('what declares more than LOCAL_BYTES goes to a worker (its heap cap applies)', async () => {
    const small = new ParsePool(withLimits({ parseHeapMb: 64 }));
    try {
      const big = strToU8(`<sst>${'<si><t>长文本</t></si>'.repeat(Math.ceil(LOCAL_BYTES / 20))}</sst>`);
      const file = zipSync({ 'xl/sharedStrings.xml': big });
      const before = small.stats().workers;
      await parseLocal(file, { pool: small });
      expect(small.stats().workers).toBeGreaterThan(before);
    } finally {
      await small.close();
    }
  });
});
