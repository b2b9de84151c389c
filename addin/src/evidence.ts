/**
 * 佐证材料 in the task pane: select a project's cell of a criterion row in 《细则自评》 (or 《佐证说明》) and attach
 * photos or files to that project × criterion on the server; the files already attached there are listed. Works on
 * the submission this workbook was synced as (the pane remembers the server's id per workbook).
 */
import { currentRubric } from '../../core/rubric';
import { formatBytes } from '../../core/limits';
import * as excel from './excel-adapter';
import { ApiError, getJson, postForm } from './api';

interface Item { id: number; project: number; criterion: string; name: string; kindLabel: string; size: number; capturedAt?: string }
interface Returned { project: number; criterion: string; reason: string }

const KEY = 'redsite.submission.';
const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector(sel) as T;

function el(tag: string, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

let workbookId: string | undefined;
let signedIn = false;
let selected: excel.SelectedAnswer | undefined;
/** Bumped on every selection read and every show(): an answer that arrives after a newer one was asked is dropped. */
let selectionRead = 0;
let shown = 0;
let uploading = false;

/** The server's id for this workbook (after a sync); the workbook's own id otherwise (the same unless the server derived one). */
function serverId(): string | undefined {
  if (!workbookId) return undefined;
  try {
    return localStorage.getItem(KEY + workbookId) ?? workbookId;
  } catch {
    return workbookId;
  }
}

/** After a sync: which server submission this workbook is. */
export function rememberSubmission(workbook: string, id: string): void {
  workbookId = workbook;
  try {
    localStorage.setItem(KEY + workbook, id);
  } catch {
    // storage disabled: the workbook id is used
  }
  void show();
}

export function setContext(opts: { workbook?: string; signedIn: boolean }): void {
  if (opts.workbook) workbookId = opts.workbook;
  signedIn = opts.signedIn;
  void show();
}

/** Reads the selection again (called on every selection change). */
export async function onSelection(): Promise<void> {
  const mine = ++selectionRead;
  let answer: excel.SelectedAnswer | undefined;
  try {
    answer = await excel.selectedAnswer();
  } catch {
    answer = undefined;
  }
  if (mine !== selectionRead) return; // the user selected another cell meanwhile: that read decides
  selected = answer;
  await show();
}

async function show(): Promise<void> {
  const target = $('#ev-target');
  const add = $('#ev-add');
  const list = $('#ev-list');
  if (!target) return;
  const ticket = ++shown;
  add.hidden = true;
  list.replaceChildren();
  if (!selected?.criterion || !selected.seq) {
    target.textContent = '在《细则自评》中选中某个项目的自评单元格（或《佐证说明》中对应的单元格），即可为这条细则添加照片或文件。';
    return;
  }
  const text = currentRubric().byId.get(selected.criterion)?.text ?? '';
  target.textContent = `项目 ${selected.seq} · ${selected.criterion} ${text.length > 24 ? `${text.slice(0, 24)}…` : text}`;
  if (!signedIn) return void list.append(el('li', { class: 'muted' }, '登录后可添加佐证。'));
  const id = serverId();
  if (!id) return void list.append(el('li', { class: 'muted' }, '请先“同步到服务器”，再添加佐证。'));
  const { seq, criterion } = selected;
  list.append(el('li', { class: 'muted' }, '正在读取这条细则的佐证…'));
  try {
    const r = await getJson<{ items: Item[]; returns: Returned[] }>(`/api/v1/submissions/${encodeURIComponent(id)}/evidence`);
    if (ticket !== shown) return; // another cell (or sign-in state) was shown meanwhile: this answer is not for it
    const mine = r.items.filter((i) => i.project === seq && i.criterion === criterion);
    const back = r.returns.find((x) => x.project === seq && x.criterion === criterion);
    list.replaceChildren(
      ...(back ? [el('li', { class: 'error' }, `审核人退回：${back.reason}`)] : []),
      ...(mine.length ? mine.map((i) => el('li', {}, `${i.name}（${i.kindLabel}，${formatBytes(i.size)}${i.capturedAt ? `，拍摄于 ${i.capturedAt}` : ''}）`)) : [el('li', { class: 'muted' }, '这条细则还没有佐证。')]),
    );
    add.hidden = false;
  } catch (e) {
    if (ticket !== shown) return;
    list.replaceChildren(el('li', { class: 'muted' }, e instanceof ApiError && e.status === 404 ? '服务器上还没有这个申报：请先“同步到服务器”。' : (e as Error).message));
  }
}

async function upload(files: File[]): Promise<void> {
  const target = selected;
  const id = serverId();
  if (uploading || !target?.criterion || !target.seq || !id) return;
  const pick = $<HTMLButtonElement>('#ev-pick');
  uploading = true;
  pick.disabled = true;
  try {
    await uploadTo(id, target.seq, target.criterion, files);
  } finally {
    uploading = false;
    pick.disabled = false;
  }
  await show();
}

/** One upload at a time (the 添加 button is disabled meanwhile), each file with its own line. */
async function uploadTo(id: string, seq: number, criterion: string, files: File[]): Promise<void> {
  const progress = $('#ev-progress');
  progress.replaceChildren();
  for (const f of files) {
    const line = el('li', {}, `正在上传 ${f.name}（${formatBytes(f.size)}）…`);
    progress.append(line);
    const form = new FormData();
    form.append('project', String(seq));
    form.append('criterion', criterion);
    form.append('files', f, f.name);
    try {
      await postForm(`/api/v1/submissions/${encodeURIComponent(id)}/evidence`, form);
      line.className = 'ok';
      line.textContent = `${f.name}：已添加到项目 ${seq} · ${criterion}`;
    } catch (e) {
      line.className = 'error';
      line.textContent = (e as Error).message;
    }
  }
}

export function wireEvidence(): void {
  const input = $<HTMLInputElement>('#ev-files');
  $('#ev-pick').addEventListener('click', () => {
    if (!uploading) input.click();
  });
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length) void upload(files);
  });
}
