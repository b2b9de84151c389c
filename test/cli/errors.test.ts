/** Node's file errors as Chinese sentences naming the path (cli/errors.ts), from real failing calls. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorMessage, fileErrorMessage } from '../../cli/errors';

const failure = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not fail');
};

test('ENOENT, EEXIST, ENOTDIR, EISDIR become Chinese with the path; other errors keep their message', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-errors-'));
  const file = path.join(dir, 'f.txt');
  fs.writeFileSync(file, 'x');
  expect(fileErrorMessage(failure(() => fs.writeFileSync(path.join(dir, 'no', 'x.xlsx'), 'x')))).toBe(`文件夹 ${path.join(dir, 'no')} 不存在：请先创建它，或换一个位置（${path.join(dir, 'no', 'x.xlsx')}）`);
  expect(fileErrorMessage(failure(() => fs.readFileSync(path.join(dir, 'missing.xlsx'))))).toBe(`找不到 ${path.join(dir, 'missing.xlsx')}：请检查路径和文件名`);
  expect(fileErrorMessage(failure(() => fs.mkdirSync(file)))).toBe(`${file} 是一个文件，不是文件夹：请换一个文件夹名`);
  expect(fileErrorMessage(failure(() => fs.writeFileSync(path.join(file, 'x'), 'x')))).toBe(`${file} 是一个文件，不是文件夹：请检查路径（${path.join(file, 'x')}）`);
  expect(fileErrorMessage(failure(() => fs.writeFileSync(dir, 'x')))).toBe(`${dir} 是一个文件夹，不是文件：请写出文件名`);
  expect(fileErrorMessage(Object.assign(new Error('no space'), { code: 'ENOSPC', path: file }))).toBe(`磁盘空间不足，无法写入 ${file}：请清理磁盘后重试`);
  expect(fileErrorMessage(new Error('plain'))).toBeUndefined();
  expect(errorMessage(new Error('已是中文'))).toBe('已是中文');
});
