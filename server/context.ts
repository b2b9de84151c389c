/** What every route needs: the database, limits, the export cache, the parser pool and the campaign settings. */
import type { DB } from './db';
import { getSetting } from './db';
import type { Limits } from '../core/limits';
import type { Exporter } from './exports';
import type { ParsePool } from '../core/node/workbook/pool';
import type { StorageWatch } from './storage';
import type { EvidenceService } from './evidence';
import type { OfficeJsSource } from './addin-pages';
import type { GroupCommit } from './db/group-commit';

export const DEFAULT_DEADLINE = '2024-05-24T23:59:00+08:00';

export interface Context {
  db: DB;
  /** Uploads' commits share their fsync: an upload is answered once `commits.durable()` resolved (db/group-commit.ts). */
  commits: GroupCommit;
  limits: Limits;
  exporter: Exporter;
  pool: ParsePool;
  /** Room left for writes (reported by /healthz). */
  storage: StorageWatch;
  /** 佐证材料: files on disk, image checks, thumbnails and exported copies. */
  evidence: EvidenceService;
  /** Where the task pane loads Office.js from: Microsoft's CDN (default) or the local copy (REDSITE_OFFICE_JS=local). */
  officeJs: OfficeJsSource;
  /** Deadline from the settings table, else the configured default. */
  deadline(): string;
  log: { info: (o: unknown, m?: string) => void; error: (o: unknown, m?: string) => void; warn: (o: unknown, m?: string) => void };
}

export function deadlineOf(db: DB, fallback: string): string {
  return getSetting(db, 'deadline') ?? fallback;
}
