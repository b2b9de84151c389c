/**
 * Who a submission belongs to, and which projects count.
 *
 * Identity is (submitting unit, workbook id), never the workbook id alone: a 旗县区 generates one blank template and
 * hands it to many units, so every copy carries the same `_meta` UUID. The unit is the account's unit on the server,
 * or the unit read from the file (填报单位, else 企业名称) for e-mailed files and for uploads a 旗县区 makes on a unit's
 * behalf; names are compared after normalisation (white space, full-/half-width, 有限公司 / 有限责任公司) within their
 * 旗县区. Within one unit:
 * - the same workbook again replaces the earlier one (a new version; the later file wins);
 * - a different workbook is a second submission of that unit; a project that appears in two of them (same
 *   normalised 项目名称) is a 重复项目 and counts once, in the later submission.
 * Pure functions: the server, `redsite merge` and `redsite import` all decide with these.
 */
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { normalizeDistrict } from './districts';
import { cleanText } from './text';
import type { Project, Submission } from './schema';

/** Anything normalizeUnit's replacements would change (a trailing (盖章) or punctuation only at the end). */
const UNIT_WORK = /[\s\u3000\u00a0\u200b-\u200d\ufeff【[〔（】\]〕）]|有限责任公司|\(盖章\)$|[。.,，;；:：]$/;

/** Unit name for comparison: NFKC (full-width → half-width), no white space, one spelling of 有限责任公司 / brackets. */
export function normalizeUnit(name: unknown): string {
  const text = cleanText(name).normalize('NFKC');
  // Most names have nothing the replacements below would change: one test instead of six passes.
  if (!UNIT_WORK.test(text)) return text.toLowerCase();
  return text
    .replace(/[\s\u3000\u00a0\u200b-\u200d\ufeff]+/g, '')
    .replace(/[【[〔（]/g, '(')
    .replace(/[】\]〕）]/g, ')')
    .replace(/有限责任公司/g, '有限公司')
    .replace(/\(盖章\)$/, '')
    .replace(/[。.,，;；:：]+$/, '')
    .toLowerCase();
}

/** The unit part of the identity: 旗县区 plus the normalised unit name. */
export function unitKey(unit: unknown, district: unknown): string {
  const d = normalizeDistrict(district) ?? cleanText(district).replace(/\s+/g, '');
  return `${d}|${normalizeUnit(unit)}`;
}

export function submissionUnitKey(s: { reporter: Pick<Submission['reporter'], 'unit' | 'district'> }): string {
  return unitKey(s.reporter.unit, s.reporter.district);
}

/** A stable UUID-shaped id from text (sha256, version nibble 5, variant 8). */
export function uuidFrom(text: string): string {
  const h = bytesToHex(sha256(utf8ToBytes(text)));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The server id of a (unit, workbook) pair whose workbook id is already taken by another unit: stable, never guessed. */
export function derivedSubmissionId(key: string, workbookId: string): string {
  return uuidFrom(`redsite.identity:${key}:${workbookId}`);
}

/** 项目名称 for duplicate detection: no white space or punctuation, half-width. */
export function normalizeProjectName(name: unknown): string {
  return cleanText(name)
    .normalize('NFKC')
    .replace(/[\s\u3000\u00a0\u200b-\u200d\ufeff“”"'‘’《》<>「」()（）【】[\]、，,。.;；:：\-—–_]+/g, '')
    .toLowerCase();
}

/**
 * What the identity rules read of a submission: its workbook id, 填报单位 and 项目名称. A whole Submission is one;
 * the server's stored summaries (server/summaries.ts) are another, so lists and figures need not read stored bodies.
 */
export interface IdentityView {
  submissionId: string;
  reporter: Pick<Submission['reporter'], 'unit' | 'district'>;
  projects: ReadonlyArray<Pick<Project, 'projectName'> & { nameKey?: string }>;
  /** submissionUnitKey of this submission and normalizeProjectName of each project (`nameKey`), when stored
   *  already computed (server summaries): the same keys, without normalising every name again. */
  unitKey?: string;
}

const unitOf = (s: IdentityView): string => s.unitKey ?? submissionUnitKey(s);
const nameOf = (p: IdentityView['projects'][number]): string => p.nameKey ?? normalizeProjectName(p.projectName);

/** One submission as the consolidation sees it (a stored latest version, or one e-mailed file). */
export interface CountedEntry<S extends IdentityView = Submission> {
  submission: S;
  /** When it arrived (version time on the server, file time for e-mail): the later one wins. */
  submittedAt?: string;
  /** Higher version wins over lower for the same (unit, workbook). */
  version?: number;
  /** Where it came from, for the reasons (file name, or 提交编号 on the server). */
  label: string;
}

export interface Replaced<E> {
  entry: E;
  by: E;
  /** Same content as the one kept. */
  identical: boolean;
}

/** A project as the entry's submission holds it (a Project for whole submissions). */
type ProjectOf<E extends CountedEntry<IdentityView>> = E['submission']['projects'][number];

export interface DuplicateProject<E extends CountedEntry<IdentityView>> {
  /** The entry that loses the project. */
  entry: E;
  project: ProjectOf<E>;
  /** The entry whose copy of the project counts. */
  keptIn: E;
}

export interface Resolution<E extends CountedEntry<IdentityView>> {
  /** One per (unit, workbook), each with the projects that count (duplicates removed) and its unit key (unitKey). */
  counted: Array<{ entry: E; projects: Array<ProjectOf<E>>; unitKey: string }>;
  replaced: Array<Replaced<E>>;
  duplicates: Array<DuplicateProject<E>>;
}

const later = (a: CountedEntry<IdentityView>, b: CountedEntry<IdentityView>): boolean =>
  (a.version ?? 0) !== (b.version ?? 0) ? (a.version ?? 0) > (b.version ?? 0) : (a.submittedAt ?? '') >= (b.submittedAt ?? '');

const newer = (a: CountedEntry<IdentityView>, b: CountedEntry<IdentityView>): boolean => (a.submittedAt ?? '') >= (b.submittedAt ?? '');

function sameContent(a: IdentityView, b: IdentityView): boolean {
  const strip = ({ source: _s, ...rest }: IdentityView & { source?: unknown }) => JSON.stringify(rest);
  return strip(a) === strip(b);
}

/** Adds `items` to the list `map` holds for `key` (a new list when there is none). */
function appendTo<K, V>(map: Map<K, V[]>, key: K, items: V[]): void {
  const list = map.get(key);
  if (list) list.push(...items);
  else map.set(key, items);
}

/**
 * Applies the identity rules to a batch: one entry per (unit, workbook) — the higher version, else the later one
 * (ties: the one given later) — then, per unit, each project (by normalised 项目名称) counted once, in the later entry.
 * Each unit key and project name is normalised once (a 10,000-project master resolves in a few milliseconds).
 */
export function resolveEntries<E extends CountedEntry<IdentityView>>(entries: readonly E[]): Resolution<E> {
  const unitKeys = new Map<E, string>();
  const byKey = new Map<string, E>();
  const replaced: Array<Replaced<E>> = [];
  // Replacements by the entry that replaced them: a file replaced earlier and then replaced again is re-pointed.
  const replacedBy = new Map<E, Array<Replaced<E>>>();
  for (const e of entries) {
    const unit = unitOf(e.submission);
    unitKeys.set(e, unit);
    const key = `${unit}\u0000${e.submission.submissionId}`;
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, e);
      continue;
    }
    const [kept, dropped] = later(e, prev) ? [e, prev] : [prev, e];
    byKey.set(key, kept);
    // A file replaced earlier and now replaced again points at the final winner.
    const earlier = replacedBy.get(dropped);
    if (earlier) {
      for (const r of earlier) r.by = kept;
      replacedBy.delete(dropped);
      appendTo(replacedBy, kept, earlier);
    }
    const r: Replaced<E> = { entry: dropped, by: kept, identical: false };
    replaced.push(r);
    appendTo(replacedBy, kept, [r]);
  }
  for (const r of replaced) r.identical = sameContent(r.entry.submission, r.by.submission);
  const winners = [...byKey.values()];
  // Per unit: which entry owns each project name (the latest submission).
  const owner = new Map<string, E>();
  const projectKeys = new Map<E, string[]>();
  for (const e of winners) {
    const unit = unitKeys.get(e)!;
    const keys = e.submission.projects.map((p) => `${unit}\u0000${nameOf(p)}`);
    projectKeys.set(e, keys);
    for (const k of keys) {
      const prev = owner.get(k);
      if (!prev || (prev !== e && newer(e, prev))) owner.set(k, e);
    }
  }
  const duplicates: Array<DuplicateProject<E>> = [];
  const counted = winners.map((entry) => {
    const keys = projectKeys.get(entry)!;
    const projects = entry.submission.projects.filter((project: ProjectOf<E>, i: number) => {
      const keptIn = owner.get(keys[i]!)!;
      if (keptIn === entry) return true;
      duplicates.push({ entry, project, keptIn });
      return false;
    });
    return { entry, projects, unitKey: unitKeys.get(entry)! };
  });
  return { counted, replaced, duplicates };
}

export const IDENTITY_MSG = {
  replacedBy: (by: string, identical: boolean) =>
    identical ? `与 ${by} 内容相同（同一单位的同一份工作簿），只计一次` : `同一单位的同一份工作簿有较新的文件 ${by}，以较新的为准`,
  duplicateDropped: (names: string[], keptIn: string) =>
    `项目“${names.join('”“')}”也在本单位较晚的 ${keptIn} 中，只计一次（以较晚的为准）`,
  duplicateKept: (names: string[], other: string) => `项目“${names.join('”“')}”也在本单位较早的 ${other} 中，只计此处`,
  duplicateIssue: (seq: number, name: string, other: string, counted: boolean) =>
    counted
      ? `重复项目：项目 ${seq}“${name}”也在本单位的另一份申报（${other}）中，汇总时只计一次，计入本申报（较晚提交）`
      : `重复项目：项目 ${seq}“${name}”也在本单位较晚提交的另一份申报（${other}）中，汇总时只计一次，以那一份为准；如本申报已不需要，请联系审核人员`,
} as const;

/** The outcome of one input in the file list (文件清单) of a consolidation. */
export const FILE_RESULTS = ['汇总', '已替换', '重复项目', '有问题', '拒收', '忽略'] as const;
export type FileResult = (typeof FILE_RESULTS)[number];

export interface FileRow {
  file: string;
  unit: string;
  district: string;
  result: FileResult;
  reason: string;
}

/** 文件清单 rows of the entries that were read: 汇总, 已替换 (by the later copy) or 重复项目 (a project counted elsewhere). */
export function entryRows<E extends CountedEntry>(resolution: Resolution<E>, all: readonly E[]): Map<E, FileRow> {
  const rows = new Map<E, FileRow>();
  const base = (e: E) => ({ file: e.label, unit: e.submission.reporter.unit, district: e.submission.reporter.district });
  const names = (list: Array<DuplicateProject<E>>) => [...new Set(list.map((d) => d.project.projectName))];
  // Looked up by entry (not searched per entry): each entry's first replacement, the projects it lost and won.
  const replacedOf = new Map<E, Replaced<E>>();
  for (const r of resolution.replaced) if (!replacedOf.has(r.entry)) replacedOf.set(r.entry, r);
  const group = (key: (d: DuplicateProject<E>) => E) => {
    const m = new Map<E, Array<DuplicateProject<E>>>();
    for (const d of resolution.duplicates) appendTo(m, key(d), [d]);
    return m;
  };
  const lostBy = group((d) => d.entry);
  const wonBy = group((d) => d.keptIn);
  for (const e of all) {
    const r = replacedOf.get(e);
    if (r) {
      rows.set(e, { ...base(e), result: '已替换', reason: IDENTITY_MSG.replacedBy(r.by.label, r.identical) });
      continue;
    }
    const lost = lostBy.get(e);
    const won = wonBy.get(e);
    if (!lost && !won) {
      rows.set(e, { ...base(e), result: '汇总', reason: '' });
      continue;
    }
    if (lost) {
      const byOwner = [...new Set(lost.map((d) => d.keptIn))].map((k) => IDENTITY_MSG.duplicateDropped(names(lost.filter((d) => d.keptIn === k)), k.label));
      rows.set(e, { ...base(e), result: '重复项目', reason: byOwner.join('；') });
      continue;
    }
    const kept = won ?? [];
    const reason = [...new Set(kept.map((d) => d.entry))].map((o) => IDENTITY_MSG.duplicateKept(names(kept.filter((d) => d.entry === o)), o.label)).join('；');
    rows.set(e, { ...base(e), result: '汇总', reason });
  }
  return rows;
}
