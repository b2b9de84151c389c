/**
 * The task pane: 填报 (create, check, live score, sync), 旗县区 (一键汇总) and 秘书处 (下载总表). UI only: Office.js
 * is behind excel-adapter, validation and scoring come from core/.
 */
import { formatRate } from '../../core/score';
import { beijingTime } from '../../core/time';
import { formatIssue, type Issue } from '../../core/issues';
import type { ParseResult } from '../../core/workbook/result';
import { DEFAULT_PROJECTS, FORM_HEADERS, projectCountInput, projectCountMessage } from '../../core/workbook/contract';
import { DEFAULT_LIMITS } from '../../core/limits';
import { attachment2Row } from '../../core/workbook/attachment2';
import type { Submission } from '../../core/schema';
import type { ProjectScore } from '../../core/score';
import * as excel from './excel-adapter';
import { ApiError, getBase64, getJson, postJson, postSubmissionWithFile, session, whenUnauthorized } from './api';
import { onSelection, rememberSubmission, setContext, wireEvidence } from './evidence';

interface Me { name: string; role: 'secretariat' | 'district' | 'unit'; roleLabel: string; district?: string; unit?: string }
interface StoreResult { id: string; version: number; unchanged: boolean; reopened?: boolean; state: string; late: boolean }
interface Detail { id: string; unit: string; district: string; state: string; version: number; returnReason?: string; submission: Submission; scores: ProjectScore[]; updatedAt: string }

const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector(sel) as T;
const $$ = (sel: string) => Array.from(document.querySelectorAll<HTMLElement>(sel));

function el(tag: string, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/**
 * What the user reads for any failure. Ours (the server's answers, the adapter's messages about the workbook) are
 * Chinese and say what to do already; Office.js errors are told by their code (their text is Excel's, in whatever
 * language, and says nothing of what to do); anything else gets a general sentence. Details go to the console.
 */
function chineseError(e: unknown, doing: string): string {
  if (e instanceof ApiError || e instanceof excel.WorkbookError) return e.message;
  console.error(`${doing}:`, e);
  const office = excel.officeErrorMessage(e);
  if (office) return `${doing}没有完成：${office}`;
  return `${doing}失败，请重试；如果一直出现，请关闭任务窗格后重新打开，或在看板（${location.origin}/）上传工作簿`;
}

/**
 * Runs `job` from `button` once at a time: the button is disabled from the click until the job ends (a double click
 * is one run), then enabled again if `usable` still holds (同步 needs a signed-in user).
 */
const running = new Set<HTMLButtonElement>();
function once(button: HTMLButtonElement, job: () => Promise<void>, usable: () => boolean = () => true): void {
  if (running.has(button)) return;
  running.add(button);
  button.disabled = true;
  void job().finally(() => {
    running.delete(button);
    button.disabled = !usable();
  });
}

function status(text: string, kind: 'info' | 'ok' | 'error' = 'info'): void {
  const s = $('#status');
  s.textContent = text;
  s.className = `status ${kind === 'info' ? '' : kind}`;
  s.hidden = !text;
}

let me: Me | undefined;
let last: ParseResult | undefined;

function showTab(name: string): void {
  $$('.tabs button').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.tab === name)));
  $$('[data-panel]').forEach((p) => (p.hidden = p.dataset.panel !== name));
  if (name === 'secretariat') void loadRoster();
}

function renderIssues(result: ParseResult): void {
  const list = $('#issues');
  const errors = result.issues.filter((i) => i.severity === 'error').length;
  $('#check-summary').textContent = result.issues.length === 0 ? '没有发现问题' : `错误 ${errors} 个，提醒 ${result.issues.length - errors} 个${result.issues.some((i) => i.sheet) ? '（点击定位到单元格）' : ''}`;
  list.replaceChildren(
    ...result.issues.map((i: Issue) => {
      // A problem of the whole workbook (say, its table was deleted) names no cell: plain text, nothing to click.
      if (!i.sheet) return el('li', { class: i.severity }, el('span', {}, formatIssue(i)));
      const button = el('button', { type: 'button', 'data-sheet': i.sheet, 'data-cell': i.cell ?? '' }, formatIssue(i));
      button.addEventListener('click', () => {
        void excel.selectCell(i.sheet!, i.cell).catch((e: unknown) => status(chineseError(e, '定位单元格'), 'error'));
      });
      return el('li', { class: i.severity }, button);
    }),
  );
}

function renderScores(result: ParseResult): void {
  const box = $('#scores');
  if (result.kind === 'rejected') {
    box.replaceChildren(el('p', { class: 'muted' }, '工作簿读不出来，没有得分：请先按上面的错误改正，再点“检查”。'));
    return;
  }
  if (result.projects.length === 0) {
    box.replaceChildren(el('p', { class: 'muted' }, '还没有填写项目。'));
    return;
  }
  const rows = result.projects.map((p, i) => {
    const s = result.scores[i]!;
    // A long name is clipped to two lines on screen (taskpane.css); the cell keeps the whole text, and says it on hover.
    const name = `${p.seq}. ${p.projectName || '（未填项目名称）'}`;
    return el('tr', { 'data-seq': String(p.seq) },
      el('td', { class: 'name', title: name }, el('span', { class: 'clip' }, name)),
      el('td', { class: 'num' }, `${s.total}/${s.max}`),
      el('td', { class: 'num' }, formatRate(s.rate)),
      el('td', { class: 'num' }, formatRate(s.completion)),
      el('td', { class: s.met ? 'yes' : 'no' }, s.met ? '具备' : `未达标：${s.sections.filter((x) => !x.met).map((x) => x.name).join('、')}`));
  });
  // Fixed column widths (colgroup, taskpane.css): the name column takes what is left, whatever the name's length.
  const cols = el('colgroup', {}, ...['name', 'total', 'rate', 'completion', 'met'].map((c) => el('col', { class: c })));
  box.replaceChildren(el('table', {}, cols, el('thead', {}, el('tr', {}, el('th', {}, '项目'), el('th', {}, '得分'), el('th', {}, '得分率'), el('th', {}, '完成度'), el('th', {}, '七有一好八规范'))), el('tbody', {}, ...rows)));
}

/** Nothing read: no problem list, counts or scores of an earlier read stay on screen. */
function clearRead(): void {
  last = undefined;
  $('#issues').replaceChildren();
  $('#check-summary').textContent = '';
  $('#scores').replaceChildren(el('p', { class: 'muted' }, '填写《细则自评》后这里会显示每个项目的得分。'));
}

async function refresh(showIssues: boolean): Promise<ParseResult | undefined> {
  try {
    last = await excel.readUnitWorkbook();
    renderScores(last);
    if (showIssues) renderIssues(last);
    return last;
  } catch (e) {
    clearRead();
    // Not created yet: said only when asked (检查, 同步). A renamed or deleted sheet is said at once.
    if (e instanceof excel.NotAUnitWorkbook) {
      if (showIssues || e.message !== excel.NO_WORKBOOK) status(e.message, 'error');
      return undefined;
    }
    status(chineseError(e, '读取工作簿'), 'error');
    return undefined;
  }
}

/** Edits are watched once per pane (create and start-up may both get here). */
let watching = false;
async function watchEdits(): Promise<void> {
  if (watching) return;
  watching = true;
  try {
    await excel.watchChanges(scheduleRefresh);
  } catch (e) {
    watching = false;
    throw e;
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;
function scheduleRefresh(): void {
  clearTimeout(timer);
  timer = setTimeout(() => void refresh(false), 400);
}

async function create(): Promise<void> {
  const field = $('#projects') as HTMLInputElement;
  const asked = field.validity.badInput ? { error: projectCountMessage() } : projectCountInput(field.value);
  if ('error' in asked) return status(asked.error, 'error');
  const n = asked.projects;
  const url = `/api/v1/template.xlsx?projects=${n}`;
  try {
    status('正在生成申报工作簿…');
    const base64 = await getBase64(url);
    if (excel.canInsertSheets()) {
      await excel.insertTemplate(base64);
      await watchEdits();
      status(`已插入申报工作簿（${n} 个项目）：请从《申报表》第 3 行开始填写`, 'ok');
      await refresh(false);
    } else if (excel.canCreateWorkbook()) {
      await excel.openWorkbook(base64);
      status('已在新窗口打开申报工作簿；请在新窗口中打开本加载项继续填写', 'ok');
    } else {
      ($('#template-download') as HTMLAnchorElement).href = url;
      $('#create-fallback').hidden = false;
      status('当前 Excel 版本不能直接插入工作表，请下载申报工作簿后打开', 'error');
    }
  } catch (e) {
    status(chineseError(e, '新建申报工作簿'), 'error');
  }
}

async function signIn(token: string): Promise<void> {
  session.token = token.trim();
  try {
    me = await getJson<Me>('/api/v1/me');
  } catch (e) {
    session.token = '';
    me = undefined;
    status(chineseError(e, '登录'), 'error');
    updateSession();
    return;
  }
  status(`已登录：${me.name}（${me.roleLabel}）`, 'ok');
  updateSession();
}

function updateSession(): void {
  const signedIn = Boolean(me);
  $('#sign-in').hidden = signedIn;
  $('#sign-out').hidden = !signedIn;
  const syncButton = $<HTMLButtonElement>('#sync');
  syncButton.disabled = !signedIn || running.has(syncButton);
  $('#who').textContent = me ? `${me.name} · ${me.roleLabel}` : '';
  ($('[data-tab="district"]') as HTMLButtonElement).hidden = !(me && me.role !== 'unit');
  ($('[data-tab="secretariat"]') as HTMLButtonElement).hidden = me?.role !== 'secretariat';
  setContext({ signedIn, ...(last?.submission ? { workbook: last.submission.submissionId } : {}) });
}

/** A sync that did not complete: the previous success must not be read as this one's. */
function syncFailed(): void {
  const box = $('#sync-result');
  box.hidden = false;
  box.replaceChildren(el('div', { class: 'reason' }, '本次没有同步成功：工作簿中的修改还没有保存到服务器（原因见上方提示）。'));
}

async function sync(): Promise<void> {
  const result = await refresh(true);
  if (!result) return syncFailed();
  const box = $('#sync-result');
  if (!result.submission) {
    status('还有错误没有修改，请按上面的问题清单逐条修改后再同步', 'error');
    return syncFailed();
  }
  try {
    status('正在同步…');
    const bytes = await excel.documentBytes().catch(() => undefined);
    const stored = bytes
      ? await postSubmissionWithFile<StoreResult>(result.submission, bytes, '申报工作簿.xlsx')
      : await postJson<StoreResult>('/api/v1/submissions', result.submission);
    const detail = await getJson<Detail>(`/api/v1/submissions/${encodeURIComponent(stored.id)}`);
    rememberSubmission(result.submission.submissionId, stored.id);
    box.hidden = false;
    box.replaceChildren(
      el('div', {}, stored.unchanged ? `内容没有变化，仍为第 ${stored.version} 版` : `已同步为第 ${stored.version} 版`),
      el('div', {}, `状态：${detail.state}${stored.late ? '（逾期提交）' : ''}`),
      ...(stored.reopened ? [el('div', { class: 'reason' }, '这份申报原已审核通过；新同步的版本改为“已提交”，需要旗县区重新审核。')] : []),
      ...(detail.returnReason ? [el('div', { class: 'reason' }, `退回原因：${detail.returnReason}`)] : []),
    );
    status(stored.unchanged ? '服务器上已是最新内容' : '同步成功', 'ok');
  } catch (e) {
    if (e instanceof ApiError && e.issues.length) renderIssues({ ...result, issues: e.issues });
    status(chineseError(e, '同步'), 'error');
    syncFailed();
  }
}

async function consolidate(): Promise<void> {
  try {
    status('正在汇总…');
    const { items } = await getJson<{ items: Array<{ id: string }> }>('/api/v1/submissions');
    const details = await Promise.all(items.map((i) => getJson<Detail>(`/api/v1/submissions/${encodeURIComponent(i.id)}`)));
    const roster = await getJson<{ items: Array<{ missing: Array<{ unit: string; contact: string; phone: string }> }> }>('/api/v1/roster');
    const header = [...FORM_HEADERS, '项目名称', '所属旗县区', '填报单位', '得分', '满分', '得分率', '达标', '状态', '版本'];
    const rows = details.flatMap((d) =>
      d.submission.projects.map((p, i) => {
        const s = d.scores[i]!;
        return [...attachment2Row(p), p.projectName, p.district, d.unit, s.total, s.max, s.rate, s.met ? '是' : '否', d.state, d.version];
      }),
    );
    const missing = roster.items.flatMap((r) => r.missing.map((m) => [m.unit, m.contact, m.phone] as [string, string, string]));
    await excel.writeDistrictSheet(header, rows, missing, `${me?.district ?? '全市'}“红色工地”申报汇总（${beijingTime(new Date().toISOString())}，北京时间）`);
    const box = $('#district-result');
    box.hidden = false;
    box.textContent = `已汇总 ${details.length} 份申报、${rows.length} 个项目；尚未报送 ${missing.length} 个单位`;
    status('汇总完成：见工作表《本区汇总》', 'ok');
  } catch (e) {
    status(chineseError(e, '汇总'), 'error');
  }
}

async function master(): Promise<void> {
  try {
    status('正在生成总表…');
    const base64 = await getBase64('/api/v1/master.xlsx');
    if (excel.canCreateWorkbook()) {
      await excel.openWorkbook(base64);
      status('总表已在新工作簿中打开', 'ok');
    } else {
      const a = el('a', { href: `data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,${base64}`, download: '红色工地申报总表.xlsx' });
      document.body.append(a);
      a.click();
      a.remove();
      status('总表已下载', 'ok');
    }
  } catch (e) {
    status(chineseError(e, '下载总表'), 'error');
  }
}

async function loadRoster(): Promise<void> {
  try {
    const r = await getJson<{ items: Array<{ district: string; expected: number; submitted: number; missing: Array<{ unit: string }> }> }>('/api/v1/roster');
    $('#roster').replaceChildren(
      ...(r.items.length ? r.items.map((d) => el('p', {}, `${d.district}：应报 ${d.expected}，已报 ${d.submitted}${d.missing.length ? `；未报：${d.missing.map((m) => m.unit).join('、')}` : ''}`)) : [el('p', { class: 'muted' }, '还没有导入报送名单')]),
    );
  } catch (e) {
    status(chineseError(e, '读取报送名单'), 'error');
  }
}

/** Outside Excel (a plain browser, or Office.js could not be loaded) the pane says so instead of failing. */
function outsideExcel(text: string): void {
  $$('.tabs, [data-panel]').forEach((n) => (n.hidden = true));
  $('#no-host').hidden = false;
  $('#no-host-text').textContent = text;
}

function signOut(text: string, kind: 'info' | 'error'): void {
  session.token = '';
  me = undefined;
  updateSession();
  showTab('fill');
  status(text, kind);
  if (kind === 'error') ($('#token') as HTMLInputElement).focus();
}

async function start(): Promise<void> {
  $$('.tabs button').forEach((b) => b.addEventListener('click', () => showTab(b.dataset.tab!)));
  const createButton = $<HTMLButtonElement>('#create');
  createButton.addEventListener('click', () => once(createButton, create));
  $('#check').addEventListener('click', () => void refresh(true));
  $('#sign-in').addEventListener('submit', (e) => {
    e.preventDefault();
    void signIn(($('#token') as HTMLInputElement).value);
  });
  $('#sign-out').addEventListener('click', () => signOut('已退出登录', 'info'));
  // A token revoked or expired mid-session: signed out at once, with the server's reason and the token field.
  whenUnauthorized((reason) => {
    if (me) signOut(reason, 'error');
  });
  const syncButton = $<HTMLButtonElement>('#sync');
  syncButton.addEventListener('click', () => once(syncButton, sync, () => Boolean(me)));
  $('#consolidate').addEventListener('click', () => void consolidate());
  $('#master').addEventListener('click', () => void master());
  wireEvidence();
  updateSession();
  if (session.token) await signIn(session.token);
  if (await refresh(false)) await watchEdits().catch((e: unknown) => status(chineseError(e, '监视工作簿变化'), 'error'));
  setContext({ signedIn: Boolean(me), ...(last?.submission ? { workbook: last.submission.submissionId } : {}) });
  // The 佐证 section follows the selected criterion row (ExcelApi 1.2, within the 1.7 the pane requires).
  await excel.watchSelection(() => void onSelection()).catch((e: unknown) => status(chineseError(e, '监视选中的单元格'), 'error'));
  await onSelection();
}

// The project cap is core/limits.ts's, not the page's.
Object.assign($('#projects') as HTMLInputElement, { max: String(DEFAULT_LIMITS.projects), value: String(DEFAULT_PROJECTS) });

if (typeof Office === 'undefined') {
  outsideExcel('无法加载 Office.js：请检查本机能否访问微软的 Office 加载项服务；内网部署请让管理员以 REDSITE_OFFICE_JS=local 启动服务。');
} else {
  void Office.onReady((info) => {
    if (!info.host) return outsideExcel('请在 Excel 中打开此加载项：在 Excel 的“开始”选项卡点击“红色工地申报”。没有 Excel 时，可在看板下载申报工作簿、填写后上传。');
    if (info.host !== Office.HostType.Excel) return outsideExcel('此加载项只能在 Excel 中使用，请在 Excel 中打开。');
    if (!Office.context.requirements.isSetSupported('ExcelApi', '1.7')) return outsideExcel('当前 Excel 版本过旧（需要 ExcelApi 1.7，即 Excel 2019、Microsoft 365 或网页版）。也可以在看板下载申报工作簿、填写后上传。');
    void start().catch((e: unknown) => status(chineseError(e, '启动'), 'error'));
  });
}
