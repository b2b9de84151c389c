/**
 * 报送名单: per 旗县区 应报 (on the roster or with an account — the same figures as 概览), 已报, 退回, 已审核, each
 * unit with its standing, units that reported without being expected, and the roster import.
 */
import { beijingTime } from '../../core/time';
import { api, ApiError, download } from './api';
import { $, el, table, message } from './dom';
import { issueTable } from './upload';
import { me } from './state';

interface Unit { unit: string; contact: string; phone: string; onRoster: boolean; hasAccount: boolean; state: string }
interface District { district: string; expected: number; submitted: number; returned: number; approved: number; unexpected: number; units: Unit[]; others: Array<{ unit: string; state: string }> }

const num = (value: number) => ({ value, class: 'num' });
const basis = (u: Unit) => [u.onRoster ? '名单' : '', u.hasAccount ? '账号' : ''].filter(Boolean).join('、');

/** One 旗县区's line: 应报, 已报, 未报送 — and 名单外已报 when any unit reported without being expected. */
export function summaryLine(d: District): string {
  const missing = d.expected - d.submitted;
  return `${d.district}：应报 ${d.expected}，已报 ${d.submitted}${missing > 0 ? `，未报送 ${missing}` : d.expected ? '，全部已报送' : ''}${d.unexpected ? `，名单外已报 ${d.unexpected}` : ''}`;
}

export async function loadRoster(): Promise<void> {
  const r = await api<{ deadline: string; items: District[] }>('/api/v1/roster');
  $('#deadline').textContent = `报送截止：${beijingTime(r.deadline)}（北京时间）。应报单位 = 报送名单上的单位，加上有填报单位账号的单位。`;
  if (!r.items.length) {
    $('#roster').replaceChildren(el('p', { class: 'muted' }, '还没有应报单位：导入报送名单，或在“账号”中创建填报单位账号后，这里会列出每个单位的报送情况。'));
    return;
  }
  $('#roster').replaceChildren(
    table(['旗县区', '应报', '已报', '退回', '已审核', '未报送', '名单外已报'], r.items.map((d) => [d.district, num(d.expected), num(d.submitted), num(d.returned), num(d.approved), num(d.expected - d.submitted), num(d.unexpected)]), { id: 'roster-summary' }),
    ...r.items.map((d) => el('details', { class: 'roster-district', open: r.items.length === 1 },
      el('summary', {}, summaryLine(d)),
      d.units.length ? table(['单位', '联系人', '电话', '依据', '状态'], d.units.map((u) => [u.unit, u.contact, u.phone, basis(u), { value: el('span', { class: `state state-${u.state}` }, u.state) }])) : null,
      d.others.length ? el('p', { class: 'muted' }, `名单外已报（不在名单上、也没有账号）：${d.others.map((o) => `${o.unit}（${o.state}）`).join('、')}`) : null)),
  );
}

export function wireRoster(): void {
  $('#roster-missing').addEventListener('click', () => void download('/api/v1/roster/missing.xlsx'));
  $('#roster-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const file = $<HTMLInputElement>('#roster-file').files?.[0];
    if (!file) return message('请先选择报送名单（.xlsx 或 .csv）');
    const who = me();
    const scope = who.role === 'district' ? `本旗县区（${who.district}）的` : '全部';
    if (!window.confirm(`导入会替换${scope}报送名单，继续吗？`)) return;
    const form = new FormData();
    form.append('file', file, file.name);
    void (async () => {
      const out = $('#roster-result');
      try {
        const r = await api<{ imported: number }>('/api/v1/roster', { form });
        out.replaceChildren(el('div', { class: 'result ok' }, el('p', { class: 'result-title' }, `已导入 ${r.imported} 个单位`)));
        $<HTMLFormElement>('#roster-form').reset();
        await loadRoster();
      } catch (err) {
        out.replaceChildren(el('div', { class: 'result bad' }, el('p', { class: 'result-title' }, (err as Error).message), err instanceof ApiError && err.issues.length ? issueTable(err.issues) : null));
      }
    })();
  });
}
