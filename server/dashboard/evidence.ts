/**
 * 佐证材料 in a submission's detail: thumbnails on each answer (click to open; capture time shown), an uploader
 * (project and criterion, then several files by picker or drag and drop — usable on a 390 px phone, where the picker
 * offers the camera), removal, and for reviewers “退回此项” (a reason on one criterion, e.g. 佐证不足) that joins the
 * return form. Files are fetched with the token and shown from blob: URLs (CSP img-src allows them).
 */
import { currentRubric } from '../../core/rubric';
import { formatBytes } from '../../core/limits';
import { beijingTime } from '../../core/time';
import { evidenceDownloadName, type EvidenceKind } from '../../core/evidence';
import { api, download, fetchBlob, upload, ApiError } from './api';
import { $, dropZone, markBusy, pickButton, el, message } from './dom';

export interface EvidenceItem {
  id: number; project: number; criterion: string; name: string; kind: EvidenceKind; kindLabel: string; size: number;
  width?: number; height?: number; capturedAt?: string; hadGps: boolean; by: string; at: string; thumb: string | null; file: string;
}
interface Returned { project: number; criterion: string; reason: string; by: string; at: string }
interface EvidenceList { items: EvidenceItem[]; returns: Returned[]; usage: { bytes: number; unitLimit: number; fileLimit: number; filesPerUpload: number } }

export interface EvidenceTarget {
  id: string;
  state: string;
  projects: Array<{ seq: number; projectName: string; answers: Record<string, string> }>;
  canWrite: boolean;
  canReview: boolean;
  /** Units change evidence only until approval. */
  locked: boolean;
  /** The unit the submission is of, named in the usage line when someone else (its 旗县区, the 秘书处) looks. */
  unit: string;
  /** The viewer is that unit (“本单位”). */
  ownUnit: boolean;
}

const rubric = currentRubric();
const ACCEPT = 'image/jpeg,image/png,image/*,application/pdf,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx';
let target: EvidenceTarget | undefined;
let list: EvidenceList | undefined;
const blobUrls: string[] = [];
/** Criteria the reviewer marked with “退回此项”, sent with the return. */
const pending = new Map<string, { project: number; criterion: string; reason: string }>();

const key = (project: number, criterion: string) => `${project}|${criterion}`;
const shortText = (id: string) => {
  const t = rubric.byId.get(id)?.text ?? '';
  return t.length > 18 ? `${t.slice(0, 18)}…` : t;
};

function freeBlobs(): void {
  for (const u of blobUrls.splice(0)) URL.revokeObjectURL(u);
}

async function blobUrl(path: string): Promise<string> {
  const url = URL.createObjectURL(await fetchBlob(path));
  blobUrls.push(url);
  return url;
}

/** Loads the evidence of the submission shown and fills the uploader, the cells and the return form. */
export async function showEvidence(t: EvidenceTarget): Promise<void> {
  target = t;
  pending.clear();
  renderPending();
  freeBlobs();
  try {
    list = await api<EvidenceList>(`/api/v1/submissions/${encodeURIComponent(t.id)}/evidence`);
  } catch (e) {
    $('#d-evidence').replaceChildren(el('p', { class: 'muted' }, `佐证材料无法读取：${(e as Error).message}`));
    return;
  }
  renderPanel();
  renderCells();
}

function renderPanel(): void {
  const t = target!;
  const l = list!;
  const returned = l.returns.length
    ? el('div', { class: 'ev-returns' }, el('p', { class: 'result-title' }, `审核人退回的细则（${l.returns.length} 条）`), el('ul', {}, ...l.returns.map((r) => el('li', {}, `项目 ${r.project} · ${r.criterion} ${shortText(r.criterion)}：${r.reason}`))))
    : null;
  const summary = el('p', { class: 'muted small', id: 'ev-summary' },
    `共 ${l.items.length} 个佐证文件；${t.ownUnit ? '本单位' : t.unit}已用 ${formatBytes(l.usage.bytes)} / ${formatBytes(l.usage.unitLimit)}，单个文件不超过 ${formatBytes(l.usage.fileLimit)}。照片的定位信息不会随下载和观摩资料包流出，拍摄时间保留。`);
  $('#d-evidence').replaceChildren(...[returned, summary, t.canWrite && !t.locked ? uploader() : t.locked && t.canWrite ? el('p', { class: 'muted small' }, '申报已审核通过：如需补充佐证，请联系旗县区退回后再上传。') : null].filter((n): n is HTMLElement => Boolean(n)));
}

/**
 * The batch being sent (one at a time) and its per-file lines. The lines live here, not only in the list: a
 * re-render of the panel while it is sent (the refresh after it, or the detail drawn again meanwhile) puts them into
 * the new list. A later re-render starts with an empty list.
 */
let batch: { id: string; lines: HTMLElement[]; skipped: string[]; done: boolean } | undefined;
const sending = () => Boolean(batch && !batch.done);

function uploader(): HTMLElement {
  const t = target!;
  const project = el('select', { id: 'ev-project', 'aria-label': '项目' }, ...t.projects.map((p) => el('option', { value: p.seq }, `项目 ${p.seq} · ${p.projectName}`)));
  const criterion = el('select', { id: 'ev-criterion', 'aria-label': '细则' }, ...rubric.groups.map((g) => el('optgroup', { label: `${g.sectionName} · ${g.name}` }, ...g.criteria.map((c) => el('option', { value: c.id }, `${c.id} ${shortText(c.id)}`)))));
  const input = el('input', { type: 'file', multiple: true, accept: ACCEPT, class: 'file-input', 'aria-label': '选择佐证文件' });
  const files = el('ul', { class: 'ev-progress', id: 'ev-progress', 'aria-live': 'polite' }, ...(sending() && batch!.id === t.id ? batch!.lines : []));
  const zone = el('div', { class: 'dropzone ev-drop', 'aria-label': '把照片或文件拖到这里，或点击选择' },
    el('strong', {}, '拍照或选择照片、文件'), el('span', { class: 'muted' }, '可多选，也可拖到这里'),
    pickButton(input),
    el('span', { class: 'muted small' }, '照片（JPEG、PNG）、PDF、Word／Excel／PowerPoint；苹果手机的 HEIC 照片请选“兼容性最佳”格式'));
  if (sending()) markBusy(zone, true);
  const send = (chosen: FileList | null | undefined) => {
    const list = [...(chosen ?? [])];
    input.value = '';
    if (!list.length) return;
    if (sending()) {
      // One batch at a time: a second one would share the list (and the message) with the first.
      batch!.skipped.push(...list.map((f) => f.name));
      message(`正在上传上一批佐证文件，请等它们传完后再选择${named(list.map((f) => f.name))}`);
      return;
    }
    void sendAll(list, Number(project.value), criterion.value, zone);
  };
  dropZone(zone, input, send);
  return el('div', { class: 'ev-upload', id: 'ev-upload' },
    el('div', { class: 'ev-target' }, el('label', {}, '项目', project), el('label', { class: 'grow' }, '细则', criterion)),
    zone, input, files);
}

/** “a.jpg” or “a.jpg”等 3 个文件. */
function named(names: string[]): string {
  return names.length > 1 ? `“${names[0]}”等 ${names.length} 个文件` : `“${names[0]}”`;
}

/** The list the lines are shown in now (the panel may have been drawn again since the batch began). */
function progressList(id: string): HTMLElement | null {
  return target?.id === id ? document.querySelector<HTMLElement>('#ev-progress') : null;
}

/**
 * One request per file: each gets its own progress and its own result (a refused file does not stop the others).
 * The files go to the submission shown when the batch began, even if another one is opened meanwhile.
 */
async function sendAll(chosen: File[], project: number, criterion: string, zone: HTMLElement): Promise<void> {
  const id = target!.id;
  batch = { id, lines: [], skipped: [], done: false };
  const b = batch;
  message('');
  markBusy(zone, true);
  progressList(id)?.replaceChildren();
  let ok = 0;
  try {
    ok = await sendEach(chosen, project, criterion, b);
    // Drawn again (new thumbnails, usage) while still busy, so that nothing is chosen in between; the uploader
    // puts this batch's lines back into its list.
    if (ok && target?.id === id) {
      await showEvidence(target);
      if (target?.id === id && document.querySelector('#ev-project')) {
        ($('#ev-project') as HTMLSelectElement).value = String(project);
        ($('#ev-criterion') as HTMLSelectElement).value = criterion;
      }
    }
  } finally {
    b.done = true;
    document.querySelectorAll<HTMLElement>('.ev-drop').forEach((z) => markBusy(z, false));
    markBusy(zone, false);
  }
  if (target?.id !== id) return;
  const failed = chosen.length - ok;
  const result = ok ? `已上传 ${ok} 个佐证文件${failed ? `，${failed} 个未能上传（原因见列表）` : ''}` : `${failed} 个佐证文件未能上传（原因见列表）`;
  const skipped = b.skipped.length ? `。上传期间选择的${named(b.skipped)}没有上传，请重新选择` : '';
  message(`${result}${skipped}`, ok === chosen.length && !skipped);
}

/** Sends the files one by one, each with its line; how many were stored. */
async function sendEach(chosen: File[], project: number, criterion: string, b: NonNullable<typeof batch>): Promise<number> {
  let ok = 0;
  for (const file of chosen) {
    const bar = el('progress', { max: 100, value: 0 });
    const text = el('span', { class: 'small' }, `${file.name}（${formatBytes(file.size)}）`);
    const line = el('li', {}, text, bar);
    b.lines.push(line);
    progressList(b.id)?.append(line);
    try {
      await upload(`/api/v1/submissions/${encodeURIComponent(b.id)}/evidence`, file, (sent, total) => (bar.value = total ? Math.round((sent / total) * 100) : 0), { field: 'files', fields: { project: String(project), criterion } });
      line.className = 'ok';
      bar.remove();
      text.textContent = `${file.name}：已上传到项目 ${project} · ${criterion}`;
      ok++;
    } catch (e) {
      line.className = 'bad';
      bar.remove();
      text.textContent = e instanceof ApiError ? e.message : (e as Error).message;
    }
  }
  return ok;
}

/** Thumbnails, counts and actions in the 细则自评 cells (containers made by submissions.ts). */
function renderCells(): void {
  const t = target!;
  const l = list!;
  const byCell = new Map<string, EvidenceItem[]>();
  for (const i of l.items) byCell.set(key(i.project, i.criterion), [...(byCell.get(key(i.project, i.criterion)) ?? []), i]);
  const returned = new Map(l.returns.map((r) => [key(r.project, r.criterion), r]));
  document.querySelectorAll<HTMLElement>('.ev-cell').forEach((cell) => {
    const project = Number(cell.dataset.project);
    const criterion = cell.dataset.criterion!;
    const items = byCell.get(key(project, criterion)) ?? [];
    const r = returned.get(key(project, criterion));
    const answer = t.projects.find((p) => p.seq === project)?.answers[criterion];
    cell.replaceChildren(
      ...(items.length ? [el('div', { class: 'ev-thumbs' }, ...items.map(thumb))] : answer === '达到' ? [el('span', { class: 'ev-none small' }, '无佐证')] : []),
      ...(r ? [el('div', { class: 'ev-returned small' }, `退回：${r.reason}`)] : []),
      el('div', { class: 'ev-actions' },
        t.canWrite && !t.locked ? el('button', { type: 'button', class: 'link small', onclick: () => chooseTarget(project, criterion) }, '＋佐证') : null,
        t.canReview && t.state !== '退回修改' ? el('button', { type: 'button', class: 'link small ev-return', onclick: () => markReturn(project, criterion) }, '退回此项') : null),
    );
  });
  // Per group: how many files, so a reviewer knows which groups to open.
  document.querySelectorAll<HTMLElement>('details.answers-group').forEach((d) => {
    const n = [...d.querySelectorAll('.ev-thumb')].length;
    const badge = d.querySelector('summary .ev-count') ?? d.querySelector('summary')!.appendChild(el('span', { class: 'ev-count small' }));
    badge.textContent = n ? ` · 佐证 ${n}` : '';
  });
}

function thumb(i: EvidenceItem): HTMLElement {
  const b = el('button', { type: 'button', class: 'ev-thumb', title: `${i.name}${i.capturedAt ? `，拍摄于 ${i.capturedAt}` : ''}`, 'data-id': i.id, onclick: () => void openViewer(i) });
  if (i.thumb) {
    const img = el('img', { alt: i.name, loading: 'lazy', width: 64, height: 64 });
    b.append(img);
    blobUrl(i.thumb).then((u) => (img.src = u), () => (img.alt = `${i.name}（缩略图无法读取）`));
  } else b.append(el('span', { class: 'ev-doc' }, i.kind.toUpperCase()));
  b.append(el('span', { class: 'ev-date' }, i.capturedAt ? i.capturedAt.slice(0, 10) : i.kindLabel));
  return b;
}

function chooseTarget(project: number, criterion: string): void {
  ($('#ev-project') as HTMLSelectElement).value = String(project);
  ($('#ev-criterion') as HTMLSelectElement).value = criterion;
  $('#ev-upload').scrollIntoView({ block: 'center' });
  ($('#ev-upload .dropzone button') as HTMLElement).focus();
}

function markReturn(project: number, criterion: string): void {
  pending.set(key(project, criterion), { project, criterion, reason: pending.get(key(project, criterion))?.reason ?? '佐证不足' });
  renderPending();
  $('#return-form').hidden = false;
  const reason = $<HTMLTextAreaElement>('#return-reason');
  if (!reason.value.trim()) reason.value = '佐证不足：请按标注的细则补充佐证材料';
  $('#return-form').scrollIntoView({ block: 'center' });
}

function renderPending(): void {
  const box = document.querySelector('#return-criteria');
  if (!box) return;
  box.replaceChildren(...[...pending.values()].map((p) => {
    const input = el('input', { value: p.reason, 'aria-label': `项目 ${p.project} ${p.criterion} 的退回原因`, maxlength: 200 });
    input.addEventListener('input', () => (p.reason = input.value));
    return el('li', {}, el('span', {}, `项目 ${p.project} · ${p.criterion} ${shortText(p.criterion)}`), input,
      el('button', { type: 'button', class: 'link small', onclick: () => {
        pending.delete(key(p.project, p.criterion));
        renderPending();
      } }, '移除'));
  }));
}

/** Criteria returned one by one, in a line (the audit log): “项目 1 A01-1（佐证不足）、…”, or “无”. */
export function criteriaText(criteria: ReadonlyArray<{ project: number; criterion: string; reason: string }>): string {
  return criteria.length ? criteria.map((c) => `项目 ${c.project} ${c.criterion}（${c.reason}）`).join('、') : '无';
}

/**
 * The criteria returned with the submission's current return, as the return request takes them: a change of the
 * return's reason sends them again, since a return replaces the reason and the criteria together.
 */
export async function returnedCriteria(id: string): Promise<Array<{ project: number; criterion: string; reason: string }>> {
  const { returns } = await api<{ returns: Returned[] }>(`/api/v1/submissions/${encodeURIComponent(id)}/evidence`);
  return returns.map(({ project, criterion, reason }) => ({ project, criterion, reason }));
}

/** The per-criterion reasons for the return form (empty when none were marked). */
export function pendingReturns(): Array<{ project: number; criterion: string; reason: string }> {
  return [...pending.values()];
}

async function openViewer(i: EvidenceItem): Promise<void> {
  const t = target!;
  let dialog = document.querySelector<HTMLDialogElement>('#ev-viewer');
  if (!dialog) {
    dialog = el('dialog', { id: 'ev-viewer', class: 'ev-viewer', 'aria-label': '佐证文件' });
    document.body.append(dialog);
  }
  const close = el('button', { type: 'button', class: 'link', onclick: () => dialog!.close() }, '关闭');
  const facts = el('dl', { class: 'facts' },
    el('dt', {}, '文件'), el('dd', {}, i.name),
    el('dt', {}, '细则'), el('dd', {}, `项目 ${i.project} · ${i.criterion} ${shortText(i.criterion)}`),
    el('dt', {}, '拍摄时间'), el('dd', {}, i.capturedAt ? `${i.capturedAt}（照片自带，相机时间）` : '（文件中没有拍摄时间）'),
    el('dt', {}, '上传'), el('dd', {}, `${i.by}，${beijingTime(i.at)}（北京时间）`),
    el('dt', {}, '类型'), el('dd', {}, `${i.kindLabel}，${formatBytes(i.size)}${i.width ? `，${i.width} × ${i.height}` : ''}`));
  const body = el('div', { class: 'ev-view' }, el('p', { class: 'muted' }, '正在打开…'));
  // Saved under the server's name: the uploaded name with the extension of what the file is (a JPEG uploaded as
  // “实为照片.pdf” is saved as “实为照片.jpg”), so that it opens.
  const save = el('button', { type: 'button', onclick: () => void download(`${i.file}?download=1`, evidenceDownloadName(i.name, i.criterion, i.kind)) }, '下载');
  const remove = t.canWrite && !t.locked ? el('button', { type: 'button', class: 'danger', onclick: () => void removeItem(i, dialog!) }, '删除') : null;
  dialog.replaceChildren(el('div', { class: 'detail-head' }, el('h3', {}, i.name), close), body, facts, el('div', { class: 'actions' }, save, remove));
  dialog.showModal();
  if (i.thumb) {
    try {
      body.replaceChildren(el('img', { src: await blobUrl(i.file), alt: i.name, class: 'ev-full' }));
    } catch (e) {
      body.replaceChildren(el('p', { class: 'bad' }, (e as Error).message));
    }
  } else body.replaceChildren(el('p', { class: 'muted' }, `${i.kindLabel}：点“下载”后用相应的程序打开。`));
}

async function removeItem(i: EvidenceItem, dialog: HTMLDialogElement): Promise<void> {
  try {
    await api(`/api/v1/evidence/${i.id}`, { method: 'DELETE' });
    dialog.close();
    await showEvidence(target!);
    message(`已删除佐证：${i.name}（之前的版本仍保留记录）`, true);
  } catch (e) {
    message((e as Error).message);
  }
}
