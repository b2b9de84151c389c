/**
 * Parse job of the worker pool: inspects an xlsx (guard) and parses it, or parses a CSV, and answers with a
 * ParseResult. Runs in a worker thread, so a hostile file costs a capped heap and a time limit, never the server.
 */
import { parseWorkbook } from './parse';
import { parsePlainCsv } from './plain';
import { inspectZip } from './guard';
import { rejected, type ParseResult } from './result';
import { capIssues } from '../issues';
import type { ParseJob } from './pool';

const NOT_PLAIN = '没有找到附件2《申报表回执》的表头（序号、企业名称、项目情况、负责人、联系电话、开竣工日期）：请检查表格的列名';

export async function handle(task: ParseJob): Promise<ParseResult> {
  if (task.format === 'xlsx') {
    const refusal = await inspectZip(task.data, task.limits);
    if (refusal) return rejected(refusal);
  }
  const result = task.format === 'csv'
    ? (parsePlainCsv(task.data, { fileName: task.fileName, district: task.district }) ?? rejected(NOT_PLAIN))
    : await parseWorkbook(task.data, { fileName: task.fileName, district: task.district, limits: task.limits });
  // Whatever a reader found, the answer that crosses back stays bounded.
  return { ...result, issues: capIssues(result.issues) };
}
