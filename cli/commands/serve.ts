/** `redsite serve` (= npm start), `redsite certs`, `redsite user add|list|revoke`. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { ZodError } from 'zod';
import Table from 'cli-table3';
import { startServer, StartError, type RunningServer } from '../../server/index';
import { DataDirInUseError } from '../../server/data-lock';
import { DEFAULT_DEADLINE } from '../../server/context';
import { beijingTime } from '../../core/time';
import { openDatabase } from '../../server/db';
import { listUsers, revokeUser, findUser, reissueToken } from '../../server/auth';
import { audit } from '../../server/audit';
import { UserCreateSchema, ROLE_LABELS, DeadlineInputSchema, DEADLINE_INPUT_HINT, PortInputSchema, type Role } from '../../server/model';
import { EXIT, refuse } from '../files';
import { fsyncDir, writeFileDurable } from '../../server/durable';
import { AppError, zodMessage } from '../../server/errors';
import { DEFAULT_LIMITS, type Limits } from '../../core/limits';
import { createAccount, REISSUE_IN } from '../../server/accounts';
import { ignoreClosedOutput } from '../closed-output';
import { openForChange } from '../open-data';

const env = process.env;

export function certPaths(dataDir: string) {
  const dir = path.join(path.resolve(dataDir), 'certs');
  return { dir, key: path.join(dir, 'localhost.key'), cert: path.join(dir, 'localhost.crt') };
}

/** The last day a certificate file is valid (Beijing date, 2026-12-31) and whether that is past; throws when it is no certificate. */
function certValidUntil(file: string): { day: string; expired: boolean } {
  const until = new Date(new crypto.X509Certificate(fs.readFileSync(file)).validTo);
  return { day: beijingTime(until.toISOString()).slice(0, 10), expired: until.getTime() < Date.now() };
}

/** The day a certificate file is valid until, with “已过期” when past; why not, when it cannot be read. */
function certValidity(file: string): string {
  try {
    const { day, expired } = certValidUntil(file);
    return `有效期至 ${day}${expired ? '，已过期' : ''}`;
  } catch {
    return '证书文件无法读取，不是有效的证书';
  }
}

/**
 * Why `redsite certs` will not write over the certificate or key already in the data folder (Chinese), or undefined
 * when there is none. Computers that sideload the add-in trust this very certificate (added to their trusted roots):
 * a new one breaks that trust until each installs it again, so it is replaced only when asked (--force).
 */
export function existingCertsProblem(dataDir: string): string | undefined {
  const { key, cert } = certPaths(dataDir);
  const found = [cert, key].filter((f) => fs.existsSync(f));
  if (!found.length) return undefined;
  const what = fs.existsSync(cert) ? `证书${certValidity(cert)}` : '只有私钥，没有证书';
  return `数据目录中已有 https 证书：${found.join('、')}（${what}），没有替换。`
    + '已把这张证书加入受信任根证书的电脑会继续信任它，不必重新生成；'
    + `确需换一张新证书（如即将过期、私钥泄露）时加 --force：redsite certs --data ${dataDir} --force。`
    + '替换后，每台已安装旧证书的电脑都要把新证书重新加入受信任的根证书，否则 Excel 加载项和浏览器会提示连接不安全；'
    + '正在运行的服务要重启（redsite serve --https）才会用上新证书';
}

/**
 * A self-signed localhost certificate for sideloading the add-in (Office requires https). Refuses to replace the
 * ones already there (existingCertsProblem) unless `force`.
 */
export async function makeCerts(dataDir: string, days = 825, opts: { force?: boolean } = {}): Promise<{ key: string; cert: string }> {
  const { dir, key, cert } = certPaths(dataDir);
  const existing = opts.force ? undefined : existingCertsProblem(dataDir);
  if (existing) throw new Error(existing);
  const selfsigned = (await import('selfsigned')) as unknown as {
    generate: (attrs: Array<{ name: string; value: string }>, opts: Record<string, unknown>) => Promise<{ private: string; cert: string }>;
  };
  // selfsigned 5 takes the validity as dates (it ignores a `days` option and would make the certificate for one year).
  const notBeforeDate = new Date();
  const notAfterDate = new Date(notBeforeDate.getTime() + days * 24 * 3600_000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    notBeforeDate, notAfterDate, keySize: 2048, algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  });
  const created = fs.mkdirSync(dir, { recursive: true });
  if (created) fsyncDir(path.dirname(created));
  writeFileDurable(key, pems.private, { mode: 0o600 });
  writeFileDurable(cert, pems.cert);
  return { key, cert };
}

/** The limits `redsite serve` takes from the environment (README “限制与默认值”): variable, limit, unit. */
const ENV_LIMITS: ReadonlyArray<{ name: string; limit: keyof Limits; mb: boolean; what: string }> = [
  { name: 'REDSITE_RATE_PER_MINUTE', limit: 'requestsPerMinute', mb: false, what: '每分钟请求数' },
  { name: 'REDSITE_UPLOAD_MB', limit: 'uploadBytes', mb: true, what: '上传文件大小上限' },
  { name: 'REDSITE_EVIDENCE_MB', limit: 'evidenceFileBytes', mb: true, what: '单个佐证文件大小上限' },
  { name: 'REDSITE_EVIDENCE_UNIT_MB', limit: 'evidenceUnitBytes', mb: true, what: '每个单位的佐证合计上限' },
  { name: 'REDSITE_UNIT_MB', limit: 'unitStoredBytes', mb: true, what: '每个单位的申报存储上限' },
  { name: 'REDSITE_VERSIONS_KEPT', limit: 'versionsKept', mb: false, what: '每份申报保留的版本数' },
];

/**
 * The limits set in the environment, or why one cannot be used (Chinese, naming the variable): checked before anything
 * is opened, like --port. A typo must not start a server whose limit is NaN (no quota, or every request refused).
 */
export function limitsFromEnv(vars: NodeJS.ProcessEnv = env): Partial<Limits> | string {
  const out: Partial<Limits> = {};
  for (const { name, limit, mb, what } of ENV_LIMITS) {
    const raw = vars[name]?.trim();
    if (!raw) continue;
    const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
    const value = mb ? Math.round(n * 1024 * 1024) : n;
    if (!(value >= 1) || (!mb && !Number.isInteger(n))) {
      const fallback = DEFAULT_LIMITS[limit] / (mb ? 1024 * 1024 : 1);
      return `环境变量 ${name}（${what}）为“${vars[name]}”：须为大于 0 的${mb ? '数，单位 MB，如 20' : '整数'}（不设置时为 ${fallback}${mb ? ' MB' : ''}）`;
    }
    out[limit] = value;
  }
  return out;
}

/**
 * Listening on every address (--host 0.0.0.0 or ::, README “局域网部署”): the addresses other computers use, one per
 * network interface (IPv4), with the server's scheme and port. The banner's own address is 127.0.0.1, which other
 * computers cannot use, and a token shown on a dashboard opened there names it as the 登录地址. Undefined otherwise.
 */
export function lanUrls(host: string, url: string): string[] | undefined {
  if (!['0.0.0.0', '::', '[::]'].includes(host.trim())) return undefined;
  const { protocol, port } = new URL(url);
  return Object.values(os.networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((a) => a.family === 'IPv4' && !a.internal)
    .map((a) => `${protocol}//${a.address}:${port}`);
}

/** The option of `redsite user add` that gives each field of UserCreateSchema. */
const USER_ADD_OPTIONS: Record<string, string> = { name: '--name', role: '--role', district: '--district', unit: '--unit', expiresInDays: '--days' };

/** The schema's messages (shared with the dashboard's form), each naming the option to change; no “下拉列表” here. */
function userAddMessage(error: ZodError): string {
  return [...new Set(error.issues.map((i) => {
    const option = USER_ADD_OPTIONS[String(i.path[0])];
    return `${i.message.replace('须从下拉列表中选择：', '须是以下之一：')}${option ? `（${option}）` : ''}`;
  }))].join('；');
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('启动同步服务（API、看板、加载项文件），数据保存在内嵌 SQLite 中')
    .option('--host <host>', '监听地址', env.REDSITE_HOST ?? '127.0.0.1')
    .option('--port <port>', '端口，0 到 65535，0 表示随机', env.REDSITE_PORT ?? '3000')
    .option('--data <dir>', '数据目录', env.REDSITE_DATA ?? 'data')
    .option('--https', '使用 HTTPS（先运行 redsite certs 生成证书）', env.REDSITE_HTTPS === '1')
    .option('--deadline <time>', `报送截止时间，北京时间，写法见下；不写则为 ${beijingTime(DEFAULT_DEADLINE)}（也可用环境变量 REDSITE_DEADLINE；看板“设置与日志”中改过的以看板为准）`, env.REDSITE_DEADLINE || undefined)
    .option('--log <level>', '日志级别：info、warn、error、silent', env.REDSITE_LOG ?? 'info')
    // The forms the deadline takes, in the dashboard's own words (server/model.ts): below the options, unwrapped, so
    // that no form is split across lines.
    .addHelpText('after', `\n--deadline 的写法（与看板“设置与日志”相同）：\n  ${DEADLINE_INPUT_HINT}`)
    .action(async (opts: { host: string; port: string; data: string; https?: boolean; deadline?: string; log: string }) => {
      // The banner, the stop message and any refusal are written whether or not anyone still reads them (`npm start |
      // head -1`): a closed pipe must not end the server, least of all in its stop handler before the database is closed.
      ignoreClosedOutput();
      // Checked before anything is opened, with the option named: a bad value must not start a server that then fails.
      const port = PortInputSchema.safeParse(opts.port);
      if (!port.success) return refuse(`端口 --port（或环境变量 REDSITE_PORT）为“${opts.port}”：${zodMessage(port.error)}`);
      const deadline = opts.deadline === undefined ? undefined : DeadlineInputSchema.safeParse(opts.deadline);
      if (deadline && !deadline.success) return refuse(`报送截止时间 --deadline（或环境变量 REDSITE_DEADLINE）为“${opts.deadline}”：${zodMessage(deadline.error)}`);
      let tls: { key: Buffer; cert: Buffer } | undefined;
      if (opts.https) {
        const p = certPaths(opts.data);
        if (!fs.existsSync(p.key) || !fs.existsSync(p.cert)) return refuse(`--https 需要证书，找不到 ${fs.existsSync(p.key) ? p.cert : p.key}：请先运行 redsite certs --data ${opts.data}`);
        tls = { key: fs.readFileSync(p.key), cert: fs.readFileSync(p.cert) };
      }
      const limits = limitsFromEnv();
      if (typeof limits === 'string') return refuse(limits);
      let server: RunningServer;
      try {
        server = await startServer({ host: opts.host, port: port.data, dataDir: opts.data, https: tls, deadline: deadline?.data, logLevel: opts.log, limits, warmWorkers: true });
      } catch (e) {
        if (e instanceof StartError || e instanceof DataDirInUseError) return refuse(e.message);
        throw e;
      }
      // Stopping works from the moment the banner says it started.
      const stop = (signal: string) => {
        console.log(`收到 ${signal}，正在等待处理中的请求完成后退出…`);
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      console.log(`redsite 服务已启动：${server.url}/`);
      console.log(`  看板：${server.url}/   加载项：${server.url}/addin/taskpane.html   接口说明：${server.url}/api/v1/openapi.json`);
      const lan = lanUrls(opts.host, server.url);
      if (lan) console.log(lan.length ? `  局域网内其他电脑：${lan.map((u) => `${u}/`).join('、')}（发给各旗县区和单位的登录地址；在这台电脑上创建账号时也请用它打开看板）` : '  局域网内其他电脑：没有找到这台电脑的局域网地址，请用 ip addr 或 ipconfig 查看');
      console.log(`  数据目录：${server.dataDir}`);
      // A deadline set on the dashboard wins over --deadline / REDSITE_DEADLINE: say so, or the option seems ignored.
      const given = deadline?.data;
      const overridden = given !== undefined && Date.parse(given) !== Date.parse(server.deadline());
      console.log(`  报送截止：${beijingTime(server.deadline())}（北京时间${overridden ? `；这是看板“设置与日志”中设定的，--deadline（或 REDSITE_DEADLINE）的 ${beijingTime(given)} 不起作用，要改请在看板中修改` : ''}）`);
      console.log(`  加载项的 Office.js：${(env.REDSITE_OFFICE_JS ?? '') === 'local' ? '本机副本（REDSITE_OFFICE_JS=local）' : '微软 CDN（内网无法访问时设置 REDSITE_OFFICE_JS=local）'}`);
      if (server.secretariatToken) {
        console.log(`\n首次启动，已创建联盟秘书处账号。令牌只显示这一次，请妥善保存：\n  ${server.secretariatToken}\n`);
      }
    });

  program
    .command('certs')
    .description('为 localhost 生成 HTTPS 证书（加载项需要 https），保存在数据目录的 certs 文件夹；已有证书时不替换，除非加 --force')
    .option('--data <dir>', '数据目录', env.REDSITE_DATA ?? 'data')
    .option('--force', '替换数据目录中已有的证书和私钥（已信任旧证书的电脑须重新加入新证书）')
    .action(async (opts: { data: string; force?: boolean }) => {
      const replaced = Boolean(opts.force) && existingCertsProblem(opts.data) !== undefined;
      const p = await makeCerts(opts.data, undefined, { force: opts.force });
      console.log(`已${replaced ? '替换' : '生成'}证书：${p.cert}（有效期至 ${certValidUntil(p.cert).day}）\n私钥：${p.key}\n`
        + `请把证书加入系统或浏览器的受信任根证书${replaced ? '（每台已安装旧证书的电脑都要重新加入）' : ''}，然后运行 redsite serve --https${replaced ? '（正在运行的服务请重启）' : ''}`);
    });

  const user = program.command('user').description('管理账号（直接操作数据目录中的数据库）');
  user
    .command('add')
    .description('创建账号并显示令牌（只显示一次）')
    .requiredOption('--name <名称>', '账号名称')
    .requiredOption('--role <role>', '角色：secretariat（秘书处）、district（旗县区）、unit（填报单位）')
    .option('--district <旗县区>', '所属旗县区')
    .option('--unit <单位>', '填报单位名称')
    .option('--days <n>', '有效天数')
    .option('--data <dir>', '数据目录', env.REDSITE_DATA ?? 'data')
    .action((opts: { name: string; role: string; district?: string; unit?: string; days?: string; data: string }) => {
      const input = UserCreateSchema.safeParse({ name: opts.name, role: opts.role, district: opts.district, unit: opts.unit, ...(opts.days ? { expiresInDays: Number(opts.days) } : {}) });
      if (!input.success) return refuse(userAddMessage(input.error));
      const db = openForChange(opts.data);
      let created: ReturnType<typeof createAccount>;
      try {
        created = createAccount(db, input.data, undefined, REISSUE_IN.cli);
      } catch (e) {
        db.close();
        if (!(e instanceof AppError)) throw e;
        return refuse(e.message);
      }
      audit(db, undefined, '命令行创建账号', `user:${created.user.id}`, { name: created.user.name, role: created.user.role }, 'cli');
      db.close();
      console.log(`已创建${ROLE_LABELS[created.user.role as Role]}账号 #${created.user.id} ${created.user.name}${created.user.district ? `（${created.user.district}${created.user.unit ? ` · ${created.user.unit}` : ''}）` : ''}`);
      console.log(`令牌（只显示这一次）：${created.token}`);
    });
  user
    .command('list')
    .description('列出账号')
    .option('--data <dir>', '数据目录', env.REDSITE_DATA ?? 'data')
    .action((opts: { data: string }) => {
      // Only reads: not migrated, so it may run beside a server of another version (server/db openDatabase).
      const db = openDatabase(opts.data, { readonly: true });
      const table = new Table({ head: ['编号', '名称', '角色', '旗县区', '单位', '令牌开头', '到期', '状态'], style: { head: [], border: [] } });
      for (const u of listUsers(db)) table.push([String(u.id), u.name, ROLE_LABELS[u.role], u.district ?? '', u.unit ?? '', u.tokenPrefix, u.expiresAt?.slice(0, 10) ?? '长期', u.revokedAt ? '已停用' : '有效']);
      db.close();
      console.log(table.toString());
    });
  user
    .command('reissue')
    .description('重新签发令牌（遗失时）：旧令牌立即失效，新令牌只显示一次')
    .argument('<id>', '账号编号（见 redsite user list）')
    .option('--data <dir>', '数据目录', env.REDSITE_DATA ?? 'data')
    .action((id: string, opts: { data: string }) => {
      const db = openForChange(opts.data);
      const again = Number.isInteger(Number(id)) ? reissueToken(db, Number(id)) : undefined;
      if (!again) {
        console.error(`错误：找不到编号为 ${id} 的账号`);
        process.exitCode = EXIT.failed;
      } else {
        audit(db, undefined, '命令行重新签发令牌', `user:${again.user.id}`, { name: again.user.name }, 'cli');
        console.log(`已为账号 #${again.user.id} ${again.user.name} 重新签发令牌，旧令牌已失效`);
        console.log(`令牌（只显示这一次）：${again.token}`);
      }
      db.close();
    });
  user
    .command('revoke')
    .description('停用账号')
    .argument('<id>', '账号编号')
    .option('--data <dir>', '数据目录', env.REDSITE_DATA ?? 'data')
    .action((id: string, opts: { data: string }) => {
      const db = openForChange(opts.data);
      const u = findUser(db, Number(id));
      if (!u) {
        console.error(`错误：找不到编号为 ${id} 的账号`);
        process.exitCode = EXIT.failed;
      } else {
        revokeUser(db, u.id);
        audit(db, undefined, '命令行停用账号', `user:${u.id}`, { name: u.name }, 'cli');
        console.log(`已停用账号 #${u.id} ${u.name}`);
      }
      db.close();
    });
}
