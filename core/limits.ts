/**
 * Every limit that protects the service, in one place, with its default. `redsite serve` overrides six of them from
 * the environment (REDSITE_UPLOAD_MB, REDSITE_RATE_PER_MINUTE, REDSITE_EVIDENCE_MB, REDSITE_EVIDENCE_UNIT_MB,
 * REDSITE_UNIT_MB, REDSITE_VERSIONS_KEPT; see README); every other one is its default. Tests pass smaller ones.
 */
export interface Limits {
  /** Largest upload accepted, bytes. */
  uploadBytes: number;
  /** Entries in an xlsx (zip) archive. */
  zipEntries: number;
  /** Uncompressed size of one archive entry, bytes. */
  entryBytes: number;
  /** Uncompressed size of the whole archive, bytes. */
  totalBytes: number;
  /** Largest compression ratio of an entry bigger than 1 MiB uncompressed (zip bombs compress ~1000:1). */
  ratio: number;
  /** Rows and columns a worksheet may declare or contain. */
  sheetRows: number;
  sheetCols: number;
  /** 佐证材料: one file, all live files of one unit, files in one upload request, pixels of one image (a
   *  decompression bomb declares far more), time to check one image, images processed at once. */
  evidenceFileBytes: number;
  evidenceUnitBytes: number;
  evidenceFilesPerRequest: number;
  evidencePixels: number;
  evidenceImageMs: number;
  evidenceJobs: number;
  /** Submissions of one unit: versions of one submission kept in full (older ones keep their record, not their
   *  content), and bytes stored for the unit (the content of the versions kept plus their original files). */
  versionsKept: number;
  unitStoredBytes: number;
  /** A roster (unit list) file, bytes. */
  rosterBytes: number;
  /** Time and heap of one parse in its worker. */
  parseMs: number;
  parseHeapMb: number;
  /** Workers at most (parsing, annotation, exports and rosters share them). */
  parseWorkers: number;
  /** An idle worker leaves after this long, ms; a worker whose memory exceeds this after a job is replaced, MB; and
   *  after this many jobs. */
  workerIdleMs: number;
  workerRecycleMb: number;
  workerMaxJobs: number;
  /** Jobs waiting for a worker, per account and in all, by count and by the bytes of their files. */
  queuePerAccount: number;
  queueBytesPerAccount: number;
  queueTotal: number;
  queueBytesTotal: number;
  /** Time limit of one export (district or master workbook), ms. */
  exportMs: number;
  /** Projects in one workbook / submission. */
  projects: number;
  /** Submissions per page of GET /submissions (default), and the most one request may ask for. */
  listPage: number;
  listPageMax: number;
  /** Worksheet XML, in all, of a workbook read as a plain 附件2 table (not a unit workbook), bytes. */
  plainSheetBytes: number;
  /** Requests per minute per client on the API, and sign-in attempts per 15 minutes. */
  requestsPerMinute: number;
  signInAttempts: number;
  /** JSON body size, bytes, and nesting depth of its arrays and objects. */
  jsonBytes: number;
  jsonDepth: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  uploadBytes: 20 * 1024 * 1024,
  zipEntries: 2000,
  entryBytes: 60 * 1024 * 1024,
  totalBytes: 150 * 1024 * 1024,
  ratio: 150,
  sheetRows: 20000,
  sheetCols: 300,
  evidenceFileBytes: 20 * 1024 * 1024,
  evidenceUnitBytes: 500 * 1024 * 1024,
  evidenceFilesPerRequest: 20,
  evidencePixels: 120_000_000,
  evidenceImageMs: 30_000,
  evidenceJobs: 2,
  versionsKept: 20,
  unitStoredBytes: 100 * 1024 * 1024,
  rosterBytes: 5 * 1024 * 1024,
  parseMs: 30_000,
  parseHeapMb: 384,
  parseWorkers: 2,
  workerIdleMs: 10_000,
  workerRecycleMb: 200,
  // A replaced worker loads its modules and warms up again (measured: recycling every 100 jobs cost a third of a
  // 1,000-file merge's CPU); memory growth is caught by workerRecycleMb after every job.
  workerMaxJobs: 1000,
  queuePerAccount: 50,
  queueBytesPerAccount: 60 * 1024 * 1024,
  queueTotal: 200,
  queueBytesTotal: 200 * 1024 * 1024,
  exportMs: 120_000,
  projects: 50,
  listPage: 200,
  listPageMax: 1000,
  plainSheetBytes: 4 * 1024 * 1024,
  requestsPerMinute: 600,
  signInAttempts: 20,
  jsonBytes: 2 * 1024 * 1024,
  jsonDepth: 32,
});

/** Years a 开工／竣工日期 may fall in: the schema refuses others and the workbook's date dropdowns allow only these. */
export const YEARS = { min: 2000, max: 2040 } as const;

export function withLimits(overrides: Partial<Limits> = {}): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}
