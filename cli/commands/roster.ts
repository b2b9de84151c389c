/** `redsite roster import <file>` and `redsite roster list`: the roster of units expected to report, on the data folder. */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import Table from 'cli-table3';
import { openDatabase } from '../../server/db';
import { foreignUnits, readRosterFile, replaceRoster, rosterStatus } from '../../server/roster';
import { audit } from '../../server/audit';
import { normalizeDistrict } from '../../core/districts';
import { MSG } from '../../core/messages';
import { openForChange } from '../open-data';
import { formatIssue } from '../../core/issues';
import { EXIT } from '../files';

const env = process.env;

function districtOption(value: string | undefined): string | undefined | null {
  if (!value) return undefined;
  const d = normalizeDistrict(value);
  if (!d) {
    console.error(`错误：${MSG.unknownDistrict(value, '旗县区（--district）')}`);
    process.exitCode = EXIT.failed;
    return null;
  }
  return d;
}

export function registerRoster(program: Command): void {
  const roster = program.command('roster').description('报送名单：应报单位（名单上的单位和有填报单位账号的单位）及其报送情况');
  roster
    .command('import')
    .description('导入报送名单（.xlsx 或 .csv，列：单位名称、旗县区、联系人、电话），替换原有名单')
    .argument('<file>', '名单文件')
    .option('--district <旗县区>', '只替换这个旗县区的名单（文件中只能有这个旗县区的单位）')
    .option('--data <dir>', '数据目录', env.REDSITE_DATA ?? 'data')
    .action(async (file: string, opts: { district?: string; data: string }) => {
      const district = districtOption(opts.district);
      if (district === null) return;
      if (!fs.existsSync(file)) {
        console.error(`错误：找不到文件 ${file}`);
        process.exitCode = EXIT.failed;
        return;
      }
      const { entries, issues } = await readRosterFile(fs.readFileSync(file), path.basename(file));
      for (const i of issues) console.error(formatIssue(i));
      if (issues.some((i) => i.severity === 'error')) {
        console.error(`名单有 ${issues.length} 处问题，未导入：请修改后重新运行`);
        process.exitCode = EXIT.failed;
        return;
      }
      const foreign = district ? foreignUnits(entries, district) : undefined;
      if (foreign) {
        for (const i of foreign.issues) console.error(formatIssue(i));
        console.error(`错误：指定了 --district ${district}，但${foreign.found}`);
        process.exitCode = EXIT.failed;
        return;
      }
      const db = openForChange(opts.data);
      try {
        const n = replaceRoster(db, entries, district);
        audit(db, undefined, '命令行导入报送名单', 'roster', { units: n, district: district ?? '全部', file: path.basename(file) }, 'cli');
        console.log(`已导入 ${n} 个单位${district ? `（${district}）` : ''}`);
      } finally {
        db.close();
      }
    });
  roster
    .command('list')
    .description('列出应报单位和报送情况（与看板“报送名单”“概览”一致）')
    .option('--district <旗县区>', '只列这个旗县区')
    .option('--json', '输出 JSON')
    .option('--data <dir>', '数据目录', env.REDSITE_DATA ?? 'data')
    .action((opts: { district?: string; json?: boolean; data: string }) => {
      const district = districtOption(opts.district);
      if (district === null) return;
      // Only reads: not migrated, so it may run beside a server of another version (server/db openDatabase).
      const db = openDatabase(opts.data, { readonly: true });
      const items = rosterStatus(db, district);
      db.close();
      if (opts.json) {
        console.log(JSON.stringify(items, null, 2));
        return;
      }
      if (!items.length) {
        console.log('还没有应报单位：用 redsite roster import 名单.xlsx 导入，或创建填报单位账号');
        return;
      }
      const summary = new Table({ head: ['旗县区', '应报', '已报', '退回', '已审核', '未报送', '名单外已报'], style: { head: [], border: [] } });
      for (const d of items) summary.push([d.district, d.expected, d.submitted, d.returned, d.approved, d.expected - d.submitted, d.unexpected].map(String));
      console.log(summary.toString());
      const units = new Table({ head: ['旗县区', '单位', '联系人', '电话', '依据', '状态'], style: { head: [], border: [] } });
      for (const d of items) for (const u of d.units) units.push([d.district, u.unit, u.contact, u.phone, [u.onRoster ? '名单' : '', u.hasAccount ? '账号' : ''].filter(Boolean).join('、'), u.state]);
      console.log(units.toString());
      const others = items.flatMap((d) => d.others.map((o) => [d.district, o.unit, o.state]));
      if (others.length) {
        console.log('名单外已报（不在报送名单上、也没有填报单位账号，但已提交申报；如应报送，请加入名单）：');
        const t = new Table({ head: ['旗县区', '单位', '状态'], style: { head: [], border: [] } });
        for (const o of others) t.push(o);
        console.log(t.toString());
      }
    });
}
