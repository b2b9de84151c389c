/** Worker-thread entry of the parser pool: parses one file per message and answers with a ParseResult. */
import { parentPort } from 'node:worker_threads';
import { parseWorkbook } from './parse';
import { parsePlainCsv } from './plain';
import { rejected, type ParseResult } from './result';
import { POOL_MSG, type ParseTask } from './pool';

const NOT_PLAIN = '没有找到附件2《申报表回执》的表头（序号、企业名称、项目情况、负责人、联系电话、开竣工日期）：请检查表格的列名';

parentPort?.on('message', (task: ParseTask) => {
  const work: Promise<ParseResult> =
    task.format === 'csv'
      ? Promise.resolve(parsePlainCsv(task.data, { fileName: task.fileName, district: task.district }) ?? rejected(NOT_PLAIN))
      : parseWorkbook(task.data, { fileName: task.fileName, district: task.district });
  work.then(
    (result) => parentPort!.postMessage(result),
    () => parentPort!.postMessage(rejected(POOL_MSG.crashed)),
  );
});
