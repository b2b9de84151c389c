/**
 * 申报列表 (a district's review queue: state 已提交 first) and one submission: projects, answers, issues, review
 * (approve / return with a reason), annotated workbook, upload of the fixed file, versions and their diff, history.
 */
import { can } from '../../core/policy';
import { formatRate, type ProjectScore } from '../../core/score';
import { beijingTime } from '../../core/time';
import { currentRubric } from '../../core/rubric';
import type { Issue } from '../../core/issues';
import { periodText } from '../../core/workbook/attachment2';
import { ReturnSchema, STATES } from '../model';
import { api, ApiError, download } from './api';
import { $, $$, el, table, message, navigate, stateTag } from './dom';
import { issueTable, uploadZone } from './upload';
import { me } from './state';
import { criteriaText, pendingReturns, returnedCriteria, showEvidence } from './evidence';

interface Item { id: string; unit: string; district: string; state: string; late: boolean; version: number; projects: number; avgRate: number; metCount: number; updatedAt: string; projectNames: string[]; returnReason?: string }
interface Project { seq: number; enterprise: string; projectName: string; address: string; scale: string; leader: string; phone: string; startDate: string; endDate: string; district: string; answers: Record<string, string>; notes: Record<string, string> }
interface Detail {
  id: string; unit: string; district: string; state: string; late: boolean; version: number; returnReason?: string; hasFile: boolean;
  submission: { reporter: { contact: string; phone: string }; projects: Project[] };
  scores: ProjectScore[]; issues: Issue[];
  versions: Array<{ version: number; createdAt: string; source: string; byName: string | null; fileName: string | null; late: boolean; pruned?: boolean }>;
  audit: AuditRow[];
}
type Criteria = Parameters<typeof criteriaText>[0];
interface AuditRow {
  at: string; actor: string; action: string; ip?: string | null;
  detail: { reason?: string; previousReason?: string | null; criteria?: Criteria; previousCriteria?: Criteria; version?: number; restoredFrom?: number } | null;
}

/** What one entry of a 申报's history changed, in a line: a reason (old → new), the criteria returned, the version. */
function auditNote({ detail: d }: AuditRow): string {
  if (!d) return '';
  if (d.previousReason !== undefined) return `由“${d.previousReason ?? ''}”改为“${d.reason ?? ''}”`;
  if (d.criteria) return d.previousCriteria ? `由 ${criteriaText(d.previousCriteria)} 改为 ${criteriaText(d.criteria)}` : criteriaText(d.criteria);
  if (d.reason) return d.reason;
  if (d.version && d.restoredFrom) return `第 ${d.version} 版（恢复第 ${d.restoredFrom} 版的内容）`;
  return d.version ? `第 ${d.version} 版` : '';
}

const SOURCE: Record<string, string> = { addin: '加载项', xlsx: '上传工作簿', import: '导入' };
let current: Detail | undefined;
let back: () => void = () => undefined;

export function fillStateFilter(): void {
  const sel = $<HTMLSelectElement>('#filters select[name=state]');
  sel.replaceChildren(el('option', { value: '' }, '全部'), ...STATES.map((s) => el('option', { value: s }, s)));
}

export function listRows(items: readonly Item[], open: (id: string) => void) {
  return items.map((s) => [
    s.unit, s.district, s.projectNames.join('、'), { value: formatRate(s.avgRate), class: 'num' }, { value: `${s.metCount}/${s.projects}`, class: 'num' },
    { value: [stateTag(s.state), s.late ? el('span', { class: 'late' }, '逾期') : null] }, { value: s.version, class: 'num' }, beijingTime(s.updatedAt),
    { value: el('button', { type: 'button', class: 'link', onclick: () => open(s.id) }, '查看') },
  ]);
}
const LIST_HEADERS = ['填报单位', '旗县区', '项目', '平均得分率', '达标项目', '状态', '版本', '更新时间（北京时间）', ''];

/** Lists submissions into `box` (the 申报列表 panel, or a unit's own list). */
export async function loadList(box: HTMLElement, query: URLSearchParams, onBack: () => void): Promise<number> {
  type Page = { items: Item[]; total: number };
  const open = (id: string) => void openDetail(id, onBack);
  const first = await api<Page>(`/api/v1/submissions?${query}`);
  if (!first.items.length) {
    box.replaceChildren(el('p', { class: 'muted' }, me().role === 'unit' ? '还没有提交过申报。' : '没有符合条件的申报。'));
    return 0;
  }
  // The server answers a page at a time (newest first); further pages are appended on request.
  const list = table(LIST_HEADERS, listRows(first.items, open));
  const count = el('p', { class: 'muted list-count' });
  const more = el('button', { type: 'button', class: 'more' });
  let shown = first.items.length;
  let total = first.total;
  const update = () => {
    count.textContent = shown < total ? `共 ${total} 份，已显示最近更新的 ${shown} 份` : `共 ${total} 份`;
    more.hidden = shown >= total;
    more.textContent = `再显示 ${Math.min(first.items.length, total - shown)} 份`;
  };
  more.addEventListener('click', () => {
    const q = new URLSearchParams(query);
    q.set('offset', String(shown));
    more.disabled = true;
    void api<Page>(`/api/v1/submissions?${q}`)
      .then((next) => {
        list.tBodies[0]!.append(...table(LIST_HEADERS, listRows(next.items, open)).tBodies[0]!.rows);
        shown += next.items.length;
        total = next.total;
        update();
      })
      .catch((e: Error) => message(e.message))
      .finally(() => (more.disabled = false));
  });
  update();
  box.replaceChildren(list, count, more);
  return first.items.length;
}

export function filterQuery(): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of new FormData($<HTMLFormElement>('#filters')).entries()) if (typeof v === 'string' && v) q.set(k, v);
  return q;
}

export async function openDetail(id: string, onBack: () => void): Promise<void> {
  message('');
  $('#d-notice').replaceChildren();
  let d: Detail;
  try {
    d = await api<Detail>(`/api/v1/submissions/${encodeURIComponent(id)}`);
  } catch (e) {
    message((e as Error).message);
    return;
  }
  current = d;
  back = onBack;
  navigate(`#submission/${encodeURIComponent(d.id)}`);
  $$('[data-panel]').forEach((p) => (p.hidden = true));
  const who = me();
  const canReview = can(who, 'review', { district: d.district, unit: d.unit });
  const canWrite = can(who, 'write', { district: d.district, unit: d.unit });
  $('#detail').hidden = false;
  $('#d-title').textContent = `${d.unit}（${d.district}）`;
  $('#d-meta').replaceChildren(stateTag(d.state), ` 第 ${d.version} 版 · 提交编号 ${d.id} · 联系人 ${d.submission.reporter.contact} ${d.submission.reporter.phone}`, d.late ? el('span', { class: 'late' }, '逾期提交') : '');
  $('#d-reason').hidden = !d.returnReason;
  $('#d-reason').textContent = d.returnReason ? `退回原因：${d.returnReason}` : '';
  // 审核通过 only while 已提交. 退回 while 已提交 or 已审核 (a problem found after approval); not again once 退回修改:
  // the return stands until the unit uploads a new version (docs/architecture.md, “Review”).
  $('#d-approve').hidden = !canReview || d.state !== '已提交';
  $('#d-return').hidden = !canReview || d.state === '退回修改';
  // While 退回修改 the reviewer may change the reason (the unit sees the new one; the audit log keeps both).
  $('#d-edit-reason').hidden = !canReview || d.state !== '退回修改';
  $('#d-original').hidden = !d.hasFile;
  $('#return-form').hidden = true;
  $('#reason-form').hidden = true;
  // After a 退回 the unit (or its district) fixes the workbook and uploads it here; it becomes the next version.
  const fix = $('#d-fix');
  fix.hidden = !(canWrite && d.state === '退回修改');
  fix.replaceChildren(...(fix.hidden ? [] : [
    el('h3', {}, '上传修改后的工作簿'),
    el('p', { class: 'muted' }, '先点上面的“下载标注问题的工作簿”：问题单元格标成浅红色并附批注，最前面的《问题清单》逐条列出。改好后保存，在这里上传，会成为第 ' + (d.version + 1) + ' 版。'),
    // The receipt stays in view: the detail is drawn again (now 已提交, new version) with it on top.
    uploadZone(me, { target: d.id, hint: '须是这份申报的工作簿（提交编号不变）', after: (_stored, view) => void openDetail(d.id, back).then(() => {
      $('#d-notice').replaceChildren(view);
      view.focus();
    }) }),
  ]));
  $('#d-projects').replaceChildren(table(['序号', '企业名称', '项目名称', '地址', '规模', '负责人', '电话', '开竣工日期', '旗县区', '得分', '得分率', '七有一好八规范'], d.submission.projects.map((p, i) => {
    const s = d.scores[i]!;
    return [p.seq, p.enterprise, p.projectName, p.address, p.scale, p.leader, p.phone, periodText(p), p.district, { value: `${s.total}/${s.max}`, class: 'num' }, { value: formatRate(s.rate), class: 'num' }, { value: el('span', { class: s.met ? 'yes' : 'no' }, s.met ? '具备' : '不具备') }];
  })));
  renderAnswers(d);
  void showEvidence({ id: d.id, state: d.state, projects: d.submission.projects, canWrite, canReview, locked: d.state === '已审核' && who.role === 'unit', unit: d.unit, ownUnit: who.role === 'unit' });
  $('#d-issues').replaceChildren(d.issues.length ? issueTable(d.issues) : el('p', { class: 'muted' }, '没有问题'));
  $('#d-versions').replaceChildren(table(['版本', '时间（北京时间）', '方式', '提交人', '文件', ''], d.versions.map((v) => [
    { value: v.version, class: 'num' }, beijingTime(v.createdAt), SOURCE[v.source] ?? v.source, v.byName ?? '', v.pruned ? `${v.fileName ?? ''}（仅保留记录）` : v.fileName ?? '',
    { value: v.version > 1 && !v.pruned && !d.versions.find((p) => p.version === v.version - 1)?.pruned ? el('button', { type: 'button', class: 'link', onclick: () => void showDiff(d.id, v.version - 1, v.version) }, `与第 ${v.version - 1} 版比较`) : '' },
  ])));
  $('#d-diff').replaceChildren();
  $('#d-audit').replaceChildren(table(['时间（北京时间）', '操作人', '操作', '说明'], d.audit.map((a) => [beijingTime(a.at), a.actor, a.action, auditNote(a)])));
  $('#detail').scrollIntoView({ block: 'start' });
  // The button that opened it is hidden now: keyboard and screen-reader users continue from the title.
  if (!$('#detail').contains(document.activeElement)) $('#d-title').focus({ preventScroll: true });
}

function renderAnswers(d: Detail): void {
  const rubric = currentRubric();
  const projects = d.submission.projects;
  $('#d-answers').replaceChildren(...rubric.groups.map((g) => el('details', { class: 'answers-group' },
    el('summary', {}, `${g.sectionName} · ${g.name}`),
    table(['编号', '具体细则', ...projects.map((p) => `项目 ${p.seq}`)], g.criteria.map((c) => [c.id, c.text, ...projects.map((p) => {
      const a = p.answers[c.id] ?? '未填';
      const note = p.notes[c.id];
      return { value: [el('span', { class: `ans ans-${a}` }, a), note ? el('div', { class: 'small muted' }, `佐证：${note}`) : null, el('div', { class: 'ev-cell', 'data-project': p.seq, 'data-criterion': c.id })] };
    })])))));
}

async function showDiff(id: string, from: number, to: number): Promise<void> {
  try {
    const diff = await api<{ fields: Array<{ project: number | null; label: string; before: string; after: string }>; answers: Array<{ project: number; criterion: string; before: string; after: string }> }>(`/api/v1/submissions/${encodeURIComponent(id)}/diff?from=${from}&to=${to}`);
    const rows = [
      ...diff.fields.map((f) => [f.project === null ? '填报信息' : `项目 ${f.project}`, f.label, f.before, f.after]),
      ...diff.answers.map((a) => [`项目 ${a.project}`, a.criterion, a.before, a.after]),
    ];
    $('#d-diff').replaceChildren(el('h4', {}, `第 ${from} 版 → 第 ${to} 版`), rows.length ? table(['位置', '内容', '修改前', '修改后'], rows) : el('p', { class: 'muted' }, '两个版本内容相同'));
  } catch (e) {
    message((e as Error).message);
  }
}

let reviewing = false;

const DONE = {
  approve: '已审核通过',
  return: '已退回修改：填报单位登录后会看到退回原因，并可下载标注问题的工作簿',
  reason: '已修改退回原因：填报单位看到的是新的原因，标注问题的工作簿最上方也已改为新的原因',
} as const;

/**
 * 审核通过, 退回, or a new reason for the return standing (`reason`: the API's return again, with the criteria already
 * returned, so that only the reason changes) of the version shown (`version`): the server refuses (409) when a newer
 * one was uploaded meanwhile, and the detail is then reloaded so the reviewer sees it. The buttons are disabled while
 * the request runs.
 */
async function review(action: 'approve' | 'return' | 'reason', reason?: string): Promise<void> {
  if (reviewing) return;
  const d = current!;
  const marked = pendingReturns();
  const buttons = ['#d-approve', '#d-return', '#return-form button[type=submit]', '#d-edit-reason', '#reason-form button[type=submit]'].map((sel) => $<HTMLButtonElement>(sel));
  reviewing = true;
  for (const b of buttons) b.disabled = true;
  try {
    const criteria = action === 'reason' ? await returnedCriteria(d.id) : marked;
    const json = action === 'approve' ? { version: d.version } : { version: d.version, reason, ...(criteria.length ? { criteria } : {}) };
    const r = await api<{ unchanged?: boolean }>(`/api/v1/submissions/${encodeURIComponent(d.id)}/${action === 'approve' ? 'approve' : 'return'}`, { json });
    await openDetail(d.id, back);
    message(action === 'reason' && r.unchanged ? '退回原因与原来相同，没有改动' : DONE[action], true);
  } catch (e) {
    // 409: the submission changed meanwhile (a newer version, or another reviewer's decision): show it as it is now.
    if (e instanceof ApiError && e.status === 409) await openDetail(d.id, back);
    message((e as Error).message);
  } finally {
    reviewing = false;
    for (const b of buttons) b.disabled = false;
  }
}

export function wireDetail(): void {
  $('#d-close').addEventListener('click', () => back());
  $('#d-approve').addEventListener('click', () => void review('approve'));
  $('#d-return').addEventListener('click', () => {
    $('#return-form').hidden = false;
    $('#return-reason').focus();
  });
  $('#return-cancel').addEventListener('click', () => ($('#return-form').hidden = true));
  $('#d-edit-reason').addEventListener('click', () => {
    const text = $<HTMLTextAreaElement>('#reason-edit');
    text.value = current!.returnReason ?? '';
    $('#reason-form').hidden = false;
    text.focus();
  });
  $('#reason-cancel').addEventListener('click', () => ($('#reason-form').hidden = true));
  $('#reason-form').addEventListener('submit', (e) => {
    e.preventDefault();
    // The API's own check of a return's reason (server/model.ts ReturnSchema), with its messages.
    const checked = ReturnSchema.safeParse({ reason: $<HTMLTextAreaElement>('#reason-edit').value });
    if (!checked.success) return message(checked.error.issues[0]!.message);
    void review('reason', checked.data.reason);
  });
  $('#return-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const criteria = pendingReturns();
    const checked = ReturnSchema.safeParse({ reason: $<HTMLTextAreaElement>('#return-reason').value, ...(criteria.length ? { criteria } : {}) });
    if (!checked.success) return message(checked.error.issues[0]!.message);
    void review('return', checked.data.reason);
  });
  $('#d-original').addEventListener('click', () => void download(`/api/v1/submissions/${encodeURIComponent(current!.id)}/original`));
  $('#d-annotated').addEventListener('click', () => void download(`/api/v1/submissions/${encodeURIComponent(current!.id)}/annotated.xlsx`));
}
