/**
 * 佐证材料 of submissions: attaching checked files to a project × criterion, listing them per version, removing them,
 * and the files that leave the server (thumbnails and GPS-free copies). Rows in SQLite (who, when, original name,
 * project, criterion; size, type, capture time per file), bytes on disk (server/evidence-files.ts).
 *
 * Versions: a row belongs to the versions from `added_version` (the latest version when it was attached) up to but
 * not including `removed_version`, so a new version of the submission keeps its evidence until the unit removes it,
 * and earlier versions keep showing what they had. A file leaves the disk only when no row refers to it any more.
 */
import type { DB } from './db';
import { bumpDataVersion } from './db';
import { audit } from './audit';
import { AppError } from './errors';
import type { Actor } from './model';
import type { Limits } from '../core/limits';
import type { Issue } from '../core/issues';
import { currentRubric } from '../core/rubric';
import type { Submission } from '../core/schema';
import { EVIDENCE_KINDS, EVIDENCE_MSG, isImageKind, type EvidenceKind } from '../core/evidence';
import { EvidenceFiles, type ReceivedFile } from './evidence-files';
import { cleanCopy, Gate, inspectFile, Refused, type Inspected } from './evidence-images';
import { extractEvidence } from './evidence-backup';
import { PackTickets } from './pack-tickets';
import fs from 'node:fs';
import { renameDurable, tempNameFor } from './durable';
import { latestRows } from './versions';

export interface EvidenceRow {
  id: number;
  submission_id: string;
  project_seq: number;
  criterion: string;
  sha256: string;
  name: string;
  added_version: number;
  removed_version: number | null;
  created_by_name: string | null;
  created_at: string;
  size: number;
  kind: EvidenceKind;
  width: number | null;
  height: number | null;
  captured_at: string | null;
  had_gps: number;
}

const SELECT = 'SELECT e.*, f.size, f.kind, f.width, f.height, f.captured_at, f.had_gps FROM evidence e JOIN evidence_files f ON f.sha256 = e.sha256';

export function evidenceJson(r: EvidenceRow) {
  const image = isImageKind(r.kind);
  return {
    id: r.id, project: r.project_seq, criterion: r.criterion, name: r.name,
    kind: r.kind, kindLabel: EVIDENCE_KINDS[r.kind].label, mime: EVIDENCE_KINDS[r.kind].mime, size: r.size,
    ...(r.width && r.height ? { width: r.width, height: r.height } : {}),
    ...(r.captured_at ? { capturedAt: r.captured_at } : {}),
    hadGps: r.had_gps === 1,
    addedVersion: r.added_version, ...(r.removed_version ? { removedVersion: r.removed_version } : {}),
    by: r.created_by_name ?? '', at: r.created_at,
    thumb: image ? `/api/v1/evidence/${r.id}/thumb` : null,
    file: `/api/v1/evidence/${r.id}/file`,
  };
}
export type EvidenceItem = ReturnType<typeof evidenceJson>;

interface SubmissionRow {
  id: string;
  unit: string;
  district: string;
  state: string;
  latest_version: number;
}

export function latestBody(db: DB, id: string): Submission {
  const [v] = latestRows<{ body: string }>(db, 'versions', 'v.body', ['s.id = ?'], [id]);
  if (!v) throw new AppError('NOT_FOUND', `找不到提交编号为 ${id} 的申报`);
  return JSON.parse(v.body) as Submission;
}

/** Evidence of a submission as of `version` (default: the current state, i.e. not removed). */
export function listEvidence(db: DB, id: string, version?: number): EvidenceRow[] {
  return (version === undefined
    ? db.prepare(`${SELECT} WHERE e.submission_id = ? AND e.removed_version IS NULL ORDER BY e.project_seq, e.criterion, e.id`).all(id)
    : db.prepare(`${SELECT} WHERE e.submission_id = ? AND e.added_version <= ? AND (e.removed_version IS NULL OR e.removed_version > ?) ORDER BY e.project_seq, e.criterion, e.id`).all(id, version, version)) as EvidenceRow[];
}

export function evidenceRow(db: DB, id: number): EvidenceRow | undefined {
  return db.prepare(`${SELECT} WHERE e.id = ?`).get(id) as EvidenceRow | undefined;
}

/** Live evidence per project × criterion (seq → criterion → files), for exports and counts. */
export function evidenceCounts(db: DB, id: string): Record<number, Record<string, number>> {
  const out: Record<number, Record<string, number>> = {};
  for (const r of db.prepare('SELECT project_seq AS seq, criterion, COUNT(*) AS n FROM evidence WHERE submission_id = ? AND removed_version IS NULL GROUP BY project_seq, criterion').all(id) as Array<{ seq: number; criterion: string; n: number }>) {
    (out[r.seq] ??= {})[r.criterion] = r.n;
  }
  return out;
}

/** Bytes of distinct files the unit's live evidence holds (the per-unit limit counts each file once). */
export function unitUsage(db: DB, unit: string, district: string): { bytes: number; shas: Set<string> } {
  const rows = db
    .prepare('SELECT DISTINCT f.sha256, f.size FROM evidence e JOIN evidence_files f ON f.sha256 = e.sha256 JOIN submissions s ON s.id = e.submission_id WHERE s.unit = ? AND s.district = ? AND e.removed_version IS NULL')
    .all(unit, district) as Array<{ sha256: string; size: number }>;
  return { bytes: rows.reduce((n, r) => n + r.size, 0), shas: new Set(rows.map((r) => r.sha256)) };
}

export interface AttachInput {
  submission: SubmissionRow;
  project: number;
  criterion: string;
  files: Array<ReceivedFile & { name: string }>;
  actor: Actor;
  ip?: string;
}

export class EvidenceService {
  readonly files: EvidenceFiles;
  readonly gate: Gate;
  /** One-time links for the 观摩 pack (server/evidence-pack.ts). */
  readonly packTickets = new PackTickets();
  private readonly cleaning = new Map<string, Promise<string>>();

  constructor(
    private readonly db: DB,
    private readonly dataDir: string,
    private readonly limits: Limits,
    private readonly log: { warn: (o: unknown, m?: string) => void },
  ) {
    this.files = new EvidenceFiles(dataDir);
    this.gate = new Gate(Math.max(1, limits.evidenceJobs));
  }

  /** Start-up: finish an interrupted restore, drop unfinished uploads and files no row refers to. */
  sweep(): { removed: number } {
    extractEvidence(this.db, this.dataDir);
    const known = new Set((this.db.prepare('SELECT sha256 FROM evidence_files').all() as Array<{ sha256: string }>).map((r) => r.sha256));
    return this.files.sweep(known);
  }

  /** Checks the target, then every file, then the unit's limit; stores all files or none. */
  async attach(input: AttachInput): Promise<EvidenceItem[]> {
    const { submission: sub, files, actor } = input;
    const held: string[] = [];
    try {
      this.checkTarget(sub, input.project, input.criterion, actor);
      const inspected: Inspected[] = [];
      const refused: Refused[] = [];
      for (const f of files) {
        try {
          inspected.push(await inspectFile(f.tmp, f.size, f.head, f.name, this.limits, this.gate));
        } catch (e) {
          if (!(e instanceof Refused)) throw e;
          refused.push(e);
        }
      }
      if (refused.length) {
        const issues: Issue[] = refused.map((e) => ({ severity: 'error', field: 'files', message: e.message }));
        throw new AppError(refused[0]!.code, refused.length === 1 ? refused[0]!.message : `${refused.length} 个文件不能作为佐证，本次没有保存任何文件：${refused[0]!.message}`, issues);
      }
      const usage = unitUsage(this.db, sub.unit, sub.district);
      const adding = [...new Map(files.filter((f) => !usage.shas.has(f.sha256)).map((f) => [f.sha256, f.size])).values()].reduce((n, s) => n + s, 0);
      if (usage.bytes + adding > this.limits.evidenceUnitBytes) throw new AppError('TOO_LARGE', EVIDENCE_MSG.unitFull(usage.bytes, adding, this.limits.evidenceUnitBytes, actor.role === 'unit' ? undefined : sub.unit));

      for (const [i, f] of files.entries()) {
        this.files.pin(f.sha256);
        held.push(f.sha256);
        await this.files.place(f.tmp, f.sha256);
        const thumb = inspected[i]!.thumb;
        if (thumb) await this.files.writeDerived(this.files.derived(f.sha256, 'thumb.webp'), thumb);
      }
      const ids = this.db.transaction(() => {
        this.checkTarget(sub, input.project, input.criterion, actor);
        const latest = (this.db.prepare('SELECT latest_version FROM submissions WHERE id = ?').get(sub.id) as { latest_version: number }).latest_version;
        const now = new Date().toISOString();
        const addFile = this.db.prepare('INSERT OR IGNORE INTO evidence_files (sha256, size, kind, width, height, captured_at, had_gps, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
        const addRow = this.db.prepare('INSERT INTO evidence (submission_id, project_seq, criterion, sha256, name, added_version, created_by, created_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
        const out = files.map((f, i) => {
          const m = inspected[i]!;
          addFile.run(f.sha256, f.size, m.kind, m.width ?? null, m.height ?? null, m.capturedAt ?? null, m.hadGps ? 1 : 0, now);
          return Number(addRow.run(sub.id, input.project, input.criterion, f.sha256, f.name, latest, actor.id, actor.name, now).lastInsertRowid);
        });
        audit(this.db, actor, '上传佐证', sub.id, { version: latest, project: input.project, criterion: input.criterion, files: files.map((f, i) => ({ name: f.name, size: f.size, type: inspected[i]!.kind, sha256: f.sha256 })) }, input.ip);
        bumpDataVersion(this.db);
        return out;
      }).immediate();
      const items = ids.map((id) => evidenceJson(evidenceRow(this.db, id)!));
      void this.prepareExports(items.filter((x) => x.thumb).map((x) => x.id));
      return items;
    } finally {
      await this.files.discard(files.map((f) => f.tmp));
      for (const sha of held) this.files.unpin(sha);
      // Files placed for an attach that did not commit: delete those no row refers to.
      if (held.length) await this.files.remove(held.filter((sha) => !this.referenced(sha)));
    }
  }

  private referenced(sha: string): boolean {
    return Boolean(this.db.prepare('SELECT 1 FROM evidence_files WHERE sha256 = ?').get(sha));
  }

  /** Units change evidence only until approval; the project must be in the latest version, the criterion in the rubric. */
  private checkTarget(sub: SubmissionRow, project: number, criterion: string, actor: Actor): void {
    const row = this.db.prepare('SELECT state FROM submissions WHERE id = ?').get(sub.id) as { state: string };
    if (row.state === '已审核' && actor.role === 'unit') throw new AppError('CONFLICT', EVIDENCE_MSG.approved);
    if (!currentRubric().byId.has(criterion)) throw new AppError('INVALID', EVIDENCE_MSG.criterion(criterion));
    if (!latestBody(this.db, sub.id).projects.some((p) => p.seq === project)) throw new AppError('INVALID', EVIDENCE_MSG.project(project));
  }

  /** Removes one attachment from the current version (earlier versions keep it); deletes files nothing uses. */
  async remove(row: EvidenceRow, sub: SubmissionRow, actor: Actor, ip?: string): Promise<{ id: number; removedVersion: number }> {
    const orphans = this.db.transaction(() => {
      const state = (this.db.prepare('SELECT state, latest_version FROM submissions WHERE id = ?').get(sub.id) as { state: string; latest_version: number });
      if (state.state === '已审核' && actor.role === 'unit') throw new AppError('CONFLICT', EVIDENCE_MSG.approved);
      const current = this.db.prepare('SELECT added_version, removed_version FROM evidence WHERE id = ?').get(row.id) as { added_version: number; removed_version: number | null } | undefined;
      if (!current || current.removed_version !== null) throw new AppError('NOT_FOUND', EVIDENCE_MSG.notFound);
      // Attached to the current version only: no version ever showed it, so the row goes entirely.
      if (current.added_version >= state.latest_version) this.db.prepare('DELETE FROM evidence WHERE id = ?').run(row.id);
      else this.db.prepare('UPDATE evidence SET removed_version = ?, removed_by_name = ?, removed_at = ? WHERE id = ?').run(state.latest_version, actor.name, new Date().toISOString(), row.id);
      audit(this.db, actor, '删除佐证', sub.id, { version: state.latest_version, project: row.project_seq, criterion: row.criterion, name: row.name, sha256: row.sha256 }, ip);
      bumpDataVersion(this.db);
      const unused = !this.db.prepare('SELECT 1 FROM evidence WHERE sha256 = ? LIMIT 1').get(row.sha256);
      if (unused) this.db.prepare('DELETE FROM evidence_files WHERE sha256 = ?').run(row.sha256);
      return { unused, version: state.latest_version };
    }).immediate();
    if (orphans.unused) await this.files.remove([row.sha256]);
    return { id: row.id, removedVersion: orphans.version };
  }

  /** The thumbnail file of an image (made again from the original when missing, e.g. after a restore). */
  async thumb(row: EvidenceRow): Promise<string> {
    const file = this.files.derived(row.sha256, 'thumb.webp');
    if (fs.existsSync(file)) return file;
    const m = await inspectFile(this.files.original(row.sha256), row.size, (await readHead(this.files.original(row.sha256))), row.name, this.limits, this.gate);
    if (m.thumb) await this.files.writeDerived(file, m.thumb);
    return file;
  }

  /** The file that leaves the server: for photos the GPS-free copy (made once), for documents the original. */
  exportFile(r: Pick<EvidenceRow, 'sha256' | 'kind' | 'captured_at'>): Promise<string> {
    if (r.kind !== 'jpeg' && r.kind !== 'png') return Promise.resolve(this.files.original(r.sha256));
    const kind = r.kind;
    const file = this.files.derived(r.sha256, kind === 'jpeg' ? 'clean.jpg' : 'clean.png');
    if (fs.existsSync(file)) return Promise.resolve(file);
    let job = this.cleaning.get(r.sha256);
    if (!job) {
      const tmp = tempNameFor(file);
      job = cleanCopy(this.files.original(r.sha256), tmp, kind, r.captured_at ?? undefined, this.limits, this.gate)
        .then(() => renameDurable(tmp, file))
        .then(
          () => file,
          async (e: unknown) => {
            await fs.promises.rm(tmp, { force: true });
            throw e;
          },
        );
      this.cleaning.set(r.sha256, job);
      const clear = () => this.cleaning.delete(r.sha256);
      job.then(clear, clear);
    }
    return job;
  }

  /** Makes the exported copies right after an upload, one at a time, so downloads and the 观摩 pack find them ready. */
  private async prepareExports(ids: number[]): Promise<void> {
    for (const id of ids) {
      const row = evidenceRow(this.db, id);
      if (!row) continue;
      try {
        await this.exportFile(row);
      } catch (e) {
        this.log.warn({ err: e, evidence: id }, 'evidence: clean copy failed');
      }
    }
  }
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
