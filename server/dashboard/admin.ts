/** 秘书处 tools: the deadline, the audit log (newest first, page by page) and the 观摩 shortlist. */
import { beijingTime } from '../../core/time';
import { ROLE_LABELS } from '../../core/policy';
import { formatRate } from '../../core/score';
import { DEADLINE_INPUT_HINT, DeadlineInputSchema } from '../model';
import { api, download } from './api';
import { $, el, table, message } from './dom';
import { criteriaText } from './evidence';

interface AuditEntry { id: number; at: string; actor: string; action: string; target: string | null; targetLabel: string | null; detail: unknown; ip: string | null }

export async function loadSettings(): Promise<void> {
  const { deadline } = await api<{ deadline: string }>('/api/v1/settings');
  $<HTMLInputElement>('#deadline-input').value = beijingTime(deadline);
  const audit = await fetchAudit();
  // Both appear together: the page never shows the new deadline next to an empty or stale log.
  $('#deadline-now').textContent = `当前截止：${beijingTime(deadline)}（北京时间）`;
  $('#audit').replaceChildren(audit);
}

let oldest: number | undefined;

const KEYS: Record<string, string> = {
  version: '版本', projects: '项目数', source: '方式', late: '逾期', reason: '原因', units: '单位数', district: '旗县区', name: '名称',
  role: '角色', unit: '单位', deadline: '截止', file: '文件', created: '新建', skipped: '跳过', bulk: '批量',
  previousReason: '原来的原因', previousCriteria: '原来退回的细则', criteria: '退回的细则', restoredFrom: '恢复的版本',
};
const VALUES: Record<string, string> = { ...ROLE_LABELS, addin: '加载项', xlsx: '上传工作簿', import: '导入', true: '是', false: '否' };
type Criteria = Parameters<typeof criteriaText>[0];
const FORMAT: Record<string, (v: unknown) => string> = {
  deadline: (v) => beijingTime(String(v)),
  criteria: (v) => criteriaText(v as Criteria),
  previousCriteria: (v) => criteriaText(v as Criteria),
  restoredFrom: (v) => `第 ${String(v)} 版`,
};

/** An audit entry's details in words (machine-only fields such as content hashes are left out). */
function describe(detail: unknown): string {
  if (!detail || typeof detail !== 'object') return '';
  const d = detail as Record<string, unknown>;
  // A new reason for a return (修改退回原因) names the old one too: this one is the new.
  const label = (k: string) => (k === 'reason' && 'previousReason' in d ? '新的原因' : KEYS[k]);
  return Object.entries(d)
    .filter(([k, v]) => k in KEYS && v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${label(k)}：${FORMAT[k]?.(v) ?? VALUES[String(v)] ?? (typeof v === 'object' ? JSON.stringify(v) : String(v))}`)
    .join('；')
    .slice(0, 300);
}

/** One page of the audit log as a table, older than `before` when given. */
async function fetchAudit(before?: number): Promise<HTMLElement> {
  const { items } = await api<{ items: AuditEntry[] }>(`/api/v1/audit${before ? `?before=${before}` : ''}`);
  oldest = items.at(-1)?.id;
  $('#audit-more').hidden = items.length < 200;
  return table(['时间（北京时间）', '操作人', '操作', '对象', '说明', '来源'], items.map((a) => [{ value: beijingTime(a.at, { seconds: true }), class: 'nowrap' }, a.actor, a.action, a.targetLabel ?? a.target ?? '', describe(a.detail), a.ip ?? '']));
}

export async function loadShowcase(): Promise<void> {
  const s = await api<{ rule: string; considered: number; entries: Array<{ rank: number; unit: string; project: { district: string; enterprise: string; projectName: string; startDate: string }; score: { rate: number }; gaps: Array<{ id: string; answer: string }> }> }>(`/api/v1/showcase?${showcaseQuery()}`);
  $('#showcase-rule').textContent = `选取规则：${s.rule}。共 ${s.entries.length} 个项目（参与排序 ${s.considered} 个）。`;
  $('#showcase').replaceChildren(table(['名次', '旗县区', '企业名称', '项目名称', '开工日期', '得分率', '未达到的细则'], s.entries.map((e) => [
    { value: e.rank, class: 'num' }, e.project.district, e.project.enterprise, e.project.projectName, e.project.startDate, { value: formatRate(e.score.rate), class: 'num' },
    e.gaps.length ? e.gaps.map((g) => `${g.id}（${g.answer}）`).join('、') : '全部达到',
  ])));
}

function showcaseQuery(): string {
  const q = new URLSearchParams();
  for (const [k, v] of new FormData($<HTMLFormElement>('#showcase-form')).entries()) if (typeof v === 'string' && v) q.set(k, v);
  return q.toString();
}

export function wireAdmin(): void {
  // What the form reads (core/time.ts fromBeijingInput). No `required` on the field: an empty one gets the schema's
  // Chinese message naming it, not the browser's bubble in the browser's language.
  $('#deadline-hint').textContent = `按北京时间填写，${DEADLINE_INPUT_HINT}。此后提交的申报照常接收，标记为逾期。`;
  $('#deadline-form').addEventListener('submit', (e) => {
    e.preventDefault();
    // The same reading as `serve --deadline`: Beijing time as typed (server/model.ts DeadlineInputSchema).
    const checked = DeadlineInputSchema.safeParse($<HTMLInputElement>('#deadline-input').value);
    if (!checked.success) return message(checked.error.issues[0]!.message);
    void (async () => {
      try {
        const r = await api<{ deadline: string }>('/api/v1/settings', { method: 'PUT', json: { deadline: checked.data } });
        message(`报送截止已改为 ${beijingTime(r.deadline)}（北京时间）；此后提交的标记为逾期`, true);
        await loadSettings();
      } catch (err) {
        message((err as Error).message);
      }
    })();
  });
  $('#audit-more').addEventListener('click', () => void fetchAudit(oldest).then((rows) => $('#audit').append(rows)).catch((e: Error) => message(e.message)));
  $('#showcase-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void loadShowcase().catch((err: Error) => message(err.message));
  });
  $('#showcase-download').addEventListener('click', () => void download(`/api/v1/showcase.xlsx?${showcaseQuery()}`));
  // The pack can be gigabytes: a one-time link lets the browser stream it to disk instead of into this page.
  $('#showcase-pack').addEventListener('click', () => {
    void (async () => {
      try {
        const { url } = await api<{ url: string }>('/api/v1/showcase/pack-ticket', { json: Object.fromEntries(new URLSearchParams(showcaseQuery())) });
        const a = el('a', { href: url, download: '' });
        document.body.append(a);
        a.click();
        a.remove();
        message('观摩资料包开始下载：浏览器会边生成边保存，文件较大时请耐心等待', true);
      } catch (err) {
        message((err as Error).message);
      }
    })();
  });
}
