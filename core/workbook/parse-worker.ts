/** Worker-thread entry of the parser pool: parses one file per message and answers with a ParseResult. */
import { parentPort } from 'node:worker_threads';
import { parseWorkbook } from './parse';
import { parsePlainCsv } from './plain';
import { parseDocx } from './docx';
import { parseOds } from './ods';
import { rejected, type ParseResult } from './result';
import { POOL_MSG, type ParseTask } from './pool';

const NOT_PLAIN = '没有找到附件2《申报表回执》的表头（序号、企业名称、项目情况、负责人、联系电话、开竣工日期）：请检查表格的列名';

parentPort?.on('message', (task: ParseTask) => {
  const opts = { fileName: task.fileName, district: task.district };
  const work: Promise<ParseResult> =
    task.format === 'csv'
      ? Promise.resolve(parsePlainCsv(task.data, opts) ?? rejected(NOT_PLAIN))
      : task.format === 'docx'
        ? parseDocx(task.data, opts)
        : task.format === 'ods'
          ? Promise.resolve(parseOds(task.data, opts))
          : parseWorkbook(task.data, opts);
  work.then(
    (result) => parentPort!.postMessage(result),
    () => parentPort!.postMessage(rejected(POOL_MSG.crashed)),
  );
});
