/**
 * `redsite backup <file>` (SQLite online backup: consistent while the server keeps running; it only reads the data
 * folder, whose database it neither migrates nor changes, whichever redsite version made it) and
 * `redsite restore <file>` (into an empty data folder, after an integrity check). Both write to a temporary name,
 * check, fsync and rename (server/durable.ts): a backup file that exists is complete and on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { openDatabase, openSqlite, schemaVersion, SCHEMA_VERSION, type DB } from '../../server/db';
import { copyFileDurable, renameDurableSync, tempNameFor } from '../../server/durable';
import { EXIT, outFileFault, type OutFileFault } from '../files';
import { dataDirProblem } from '../data-dir';
import { DB_FILE } from '../../server/db/file-name';
import { lockDataDir } from '../../server/data-lock';
import { errorMessage } from '../errors';
import { addEvidenceToBackup, backupEvidenceCount, EvidenceMoved, extractEvidence } from '../../server/evidence-backup';

const env = process.env;
/** Where a backup cannot be written (cli/files.ts outFileFault), said for the backup file. */
const BACKUP_FILE_MSG: Record<OutFileFault['fault'], (f: OutFileFault) => string> = {
  noFolder: (f) => `备份文件的文件夹 ${f.folder} 不存在：请先创建它，或换一个位置`,
  folderIsFile: (f) => `${f.folder} 是一个文件，不是文件夹：请换一个备份文件位置`,
  isFolder: (f) => `${f.target} 是一个文件夹：请写出备份文件名，如 ${path.join(f.target, 'redsite-备份.sqlite')}`,
};

/** A backup made: its size, and what it holds (the schema as it was: a backup never migrates). */
export interface BackupResult extends BackupContents {
  bytes: number;
}

export async function backup(dataDir: string, file: string): Promise<BackupResult> {
  const target = path.resolve(file);
  // openDatabase would create an empty database in a wrong folder, and back that up as if all were well.
  const problem = dataDirProblem(dataDir, true);
  if (problem) throw new Error(problem);
  const out = outFileFault(target);
  if (out) throw new Error(BACKUP_FILE_MSG[out.fault](out));
  // A file the snapshot refers to may be deleted right after the snapshot (evidence removed meanwhile): snapshot again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await backupOnce(dataDir, target);
    } catch (e) {
      if (!(e instanceof EvidenceMoved) || attempt >= 5) throw e;
    }
  }
}

async function backupOnce(dataDir: string, target: string): Promise<BackupResult> {
  const tmp = tempNameFor(target);
  // Read-only and not migrated: the data folder may be that of an older (or newer) server that is still running, and
  // a backup must not upgrade its database under it. The copy is of the schema as it is; restoring it and starting a
  // server migrates the restored copy like any older data folder.
  const db = openDatabase(dataDir, { readonly: true, anySchema: true });
  try {
    // After the first (sizing) step, copy every page in one step: one read transaction, hence one consistent
    // snapshot. In small steps, every write the running server makes in between restarts the copy (SQLite's
    // backup API restarts when another connection changes the source), which under steady load may never end.
    await db.backup(tmp, { progress: () => 0x7fffffff });
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  } finally {
    db.close();
  }
  try {
    // The copy carries the source's WAL flag; as a rollback-journal database it is one self-contained file.
    const copy = openSqlite(tmp, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
      addEvidenceToBackup(copy, path.resolve(dataDir));
    } finally {
      copy.close();
    }
    // The copy's own contents, its schema too (that of the snapshot itself).
    const info = check(tmp, target);
    renameDurableSync(tmp, target);
    return { bytes: fs.statSync(target).size, ...info };
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * What a backup of a database of another redsite version means (Chinese), or undefined for this version's own. The
 * backup copies such a database as it is (it neither upgrades an older one nor refuses a newer one: a copy is still
 * the data), and says what the copy is good for.
 */
export function schemaNote(schema: number): string | undefined {
  if (schema < SCHEMA_VERSION) {
    return `说明：数据目录中的数据库是较旧版本的 redsite 建立或升级的（数据库版本 ${schema}，这个版本的 redsite 是 ${SCHEMA_VERSION}）。`
      + '备份照原样保存，没有升级它（服务仍可用原来的版本继续运行）；用这个版本恢复后，第一次启动服务时自动升级';
  }
  if (schema > SCHEMA_VERSION) {
    return `注意：数据目录中的数据库已由较新版本的 redsite 建立或升级（数据库版本 ${schema}，这个版本的 redsite 只认识到 ${SCHEMA_VERSION}）。`
      + '备份是它原样的副本，只能用那个较新版本（或更新的）redsite 恢复后使用，这个版本启动时会拒绝打开它；'
      + '以后请用服务所用的那个版本的 redsite 做备份（较新版本可能改变了佐证文件的保存方式，这个版本收入备份的佐证文件未必齐全）';
  }
  return undefined;
}

/** Integrity check and a look at what the backup holds; throws a Chinese message when it is not one of ours. */
export function check(file: string, shownAs = file): BackupContents {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new Error(`找不到备份文件 ${shownAs}：请检查路径和文件名`);
  if (stat.isDirectory()) throw new Error(`${shownAs} 是一个文件夹，不是备份文件：请写出备份文件名`);
  // A read-only look at a WAL-mode file leaves empty -wal/-shm files behind: remove the ones this check created.
  const sideFiles = ['-wal', '-shm'].map((s) => `${file}${s}`).filter((f) => !fs.existsSync(f));
  try {
    return inspect(file, shownAs);
  } finally {
    for (const f of sideFiles) if (fs.statSync(f, { throwIfNoEntry: false })?.size === 0 || f.endsWith('-shm')) fs.rmSync(f, { force: true });
  }
}

/** What a backup holds, and the schema it is at (server/db SCHEMA_VERSION). */
interface BackupContents {
  submissions: number;
  evidence: number;
  schema: number;
}

function inspect(file: string, shownAs: string): BackupContents {
  let db: DB;
  try {
    db = openSqlite(file, { readonly: true, fileMustExist: true });
  } catch {
    throw new Error(`无法打开备份文件 ${shownAs}：它不是 SQLite 数据库或已损坏`);
  }
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`备份文件 ${shownAs} 未通过完整性检查：${String(integrity)}`);
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name));
    for (const t of ['users', 'submissions', 'versions', 'audit']) if (!tables.has(t)) throw new Error(`备份文件 ${shownAs} 不是 redsite 的数据库（缺少 ${t} 表）`);
    return { submissions: (db.prepare('SELECT COUNT(*) AS n FROM submissions').get() as { n: number }).n, evidence: backupEvidenceCount(db), schema: schemaVersion(db) };
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('备份文件')) throw e;
    if ((e as { code?: string }).code === 'SQLITE_NOTADB') throw new Error(`无法打开备份文件 ${shownAs}：它不是 SQLite 数据库或已损坏`);
    throw new Error(`无法读取备份文件 ${shownAs}：${(e as Error).message}`);
  } finally {
    db.close();
  }
}

export function restore(file: string, dataDir: string, force = false): BackupContents {
  const info = check(file);
  // A backup of a newer redsite: this version could not serve it, and the folder's database would be replaced by it.
  if (info.schema > SCHEMA_VERSION) {
    throw new Error(`备份文件 ${file} 来自较新版本的 redsite（数据库版本 ${info.schema}，这个版本的 redsite 是 ${SCHEMA_VERSION}），这个版本不能使用它：请用做备份的那个版本（或更新的版本）的 redsite 恢复；数据目录没有改动`);
  }
  const target = path.join(path.resolve(dataDir), DB_FILE);
  // A running server keeps its database open: a copy over it would be unlinked from under the server, whose later
  // writes (answered 201) would then be lost at restart. The folder is locked while a server runs
  // (server/data-lock.ts); taking that lock also keeps a server from starting while the copy is written.
  const lock = lockDataDir(dataDir, '请先停止服务再恢复');
  try {
    if (fs.existsSync(target) && !force) throw new Error(`数据目录 ${dataDir} 中已有数据库：为避免覆盖，请换一个空目录，或确认后加 --force`);
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${target}${suffix}`, { force: true });
    copyFileDurable(file, target);
    // The evidence files travel inside the backup: write them out, then the database no longer carries them.
    const db = openSqlite(target, { fileMustExist: true });
    try {
      extractEvidence(db, path.resolve(dataDir));
    } finally {
      db.close();
    }
  } finally {
    lock.release();
  }
  return info;
}

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('在线备份数据库（服务运行时也可以做，备份内容一致）')
    .argument('<file>', '备份文件')
    .option('--data <dir>', '数据目录', env.REDSITE_DATA ?? 'data')
    .action(async (file: string, opts: { data: string }) => {
      try {
        const r = await backup(opts.data, path.resolve(file));
        console.log(`已备份到 ${path.resolve(file)}（${(r.bytes / 1024).toFixed(0)} KB，${r.submissions} 份申报，${r.evidence} 个佐证文件，完整性检查通过）`);
        const note = schemaNote(r.schema);
        if (note) console.log(note);
      } catch (e) {
        console.error(`错误：${errorMessage(e)}`);
        process.exitCode = EXIT.failed;
      }
    });
  program
    .command('restore')
    .description('从备份恢复到数据目录（须为空目录，或加 --force）；服务正在使用这个数据目录时不能恢复，请先停止服务')
    .argument('<file>', '备份文件')
    .option('--data <dir>', '数据目录', env.REDSITE_DATA ?? 'data')
    .option('--force', '覆盖数据目录中已有的数据库')
    .action((file: string, opts: { data: string; force?: boolean }) => {
      try {
        const r = restore(path.resolve(file), opts.data, opts.force);
        console.log(`已恢复到 ${path.resolve(opts.data)}（${r.submissions} 份申报，${r.evidence} 个佐证文件）`);
      } catch (e) {
        console.error(`错误：${errorMessage(e)}`);
        process.exitCode = EXIT.failed;
      }
    });
}
