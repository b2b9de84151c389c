/**
 * Parse job of the worker pool: inspects a zip-based file (guard: .xlsx, .docx 回执, .ods) and parses it, or parses a
 * CSV, and answers with a ParseResult. Runs in a worker, so a hostile file costs a capped heap and a time limit,
 * never the server.
 */
import { parseWorkbook } from './parse';
import type * as Csv from './csv';
import type * as Docx from './docx';
import type * as Ods from './ods';
import { inspectPackage, parseTaskFor, readUntrustedFile, type InflatedParts } from './guard';
import { rejected, type ParseResult } from '../../workbook/result';
import { capIssues } from '../../issues';
import type { ParseFileTask, ParseFilesJob, ParseJob, ParseTask } from './pool';

const NOT_PLAIN = '没有找到附件2《申报表回执》的表头（序号、企业名称、项目情况、负责人、联系电话、开竣工日期）：请检查表格的列名';

// The readers of CSV tables (csv-parse, iconv-lite), Word 回执 and OpenDocument tables (mammoth and its dependencies)
// load on their first file: a worker reading workbooks, or `redsite score` reading one, starts without them.
/* eslint-disable @typescript-eslint/no-require-imports */
const csv = () => require('./csv') as typeof Csv;
const docx = () => require('./docx') as typeof Docx;
const ods = () => require('./ods') as typeof Ods;
/* eslint-enable @typescript-eslint/no-require-imports */

/** A job naming a file: its bytes (at most the upload limit) and format, or the refusal. */
function fromFile(job: ParseJob & ParseFileTask): (ParseTask & { limits: ParseJob['limits'] }) | ParseResult {
  const data = readUntrustedFile(job.path, job.limits);
  if (typeof data === 'string') return rejected(data);
  const task = parseTaskFor(data, job, job.limits);
  return 'kind' in task ? task : { ...task, limits: job.limits };
}

/**
 * One file's job, or several files' (ParseFilesJob: read in turn, answers in order). An exception fails the whole job,
 * as it fails a one-file job: the pool then reads each file of it on its own.
 */
export async function handle(job: ParseJob): Promise<ParseResult>;
export async function handle(job: ParseFilesJob): Promise<ParseResult[]>;
export async function handle(job: ParseJob | ParseFilesJob): Promise<ParseResult | ParseResult[]> {
  if ('files' in job) {
    const results: ParseResult[] = [];
    for (const file of job.files) results.push(await handleOne({ ...file, limits: job.limits }));
    return results;
  }
  return handleOne(job);
}

async function handleOne(job: ParseJob): Promise<ParseResult> {
  const task = 'path' in job ? fromFile(job) : job;
  if ('kind' in task) return task;
  let parts: InflatedParts | undefined;
  if (task.format !== 'csv') {
    // One pass over the zip: the guard inflates every part once and hands the XML parts to the reader.
    const inspected = await inspectPackage(task.data, task.limits, task.format);
    if (typeof inspected === 'string') return rejected(inspected);
    parts = inspected;
  }
  const opts = { fileName: task.fileName, district: task.district };
  const result =
    task.format === 'csv'
      ? (csv().parsePlainCsv(task.data, opts) ?? rejected(NOT_PLAIN))
      : task.format === 'docx'
        ? await docx().parseDocx(task.data, opts)
        : task.format === 'ods'
          ? ods().parseOds(task.data, opts)
          : await parseWorkbook(task.data, { ...opts, limits: task.limits, parts });
  // Whatever a reader found, the answer that crosses back stays bounded.
  return { ...result, issues: capIssues(result.issues) };
}
