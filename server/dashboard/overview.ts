/** 概览: per 旗县区 the same 应报/已报/退回/已审核 as 报送名单, plus projects and scores, and a bar chart. */
import { formatRate } from '../../core/score';
import { api } from './api';
import { $, table } from './dom';

interface Stat { district: string; expected: number; submitted: number; returned: number; approved: number; unexpected: number; submissions: number; projects: number; avgRate: number; metCount: number }

const num = (value: number | string) => ({ value, class: 'num' });

export async function loadOverview(): Promise<void> {
  const { items } = await api<{ items: Stat[] }>('/api/v1/districts');
  $('#districts').replaceChildren(table(['旗县区', '应报单位', '已报', '退回', '已审核', '名单外已报', '项目数', '平均得分率', '具备七有一好八规范'], items.map((d) => [
    d.district, num(d.expected), num(d.submitted), num(d.returned), num(d.approved), num(d.unexpected), num(d.projects), num(d.projects ? formatRate(d.avgRate) : '—'), num(d.metCount),
  ])));
  drawChart(items);
}

function drawChart(items: readonly Stat[]): void {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
    if (text !== undefined) n.textContent = text;
    return n;
  };
  const w = 900, rowH = 26, left = 150, h = items.length * rowH + 30;
  const root = svg('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img' });
  root.append(svg('title', {}, '各旗县区平均得分率'));
  items.forEach((d, i) => {
    const y = 10 + i * rowH;
    root.append(svg('text', { x: left - 8, y: y + 15, 'text-anchor': 'end', 'font-size': 13, fill: '#242424' }, d.district));
    const barWidth = w - left - 170;
    root.append(svg('rect', { x: left, y, width: barWidth, height: 18, fill: '#f3f2f1' }));
    if (d.projects) root.append(svg('rect', { x: left, y, width: Math.max(1, barWidth * d.avgRate), height: 18, fill: '#c00000' }));
    root.append(svg('text', { x: left + barWidth + 8, y: y + 15, 'font-size': 12, fill: '#616161' }, d.projects ? `${formatRate(d.avgRate)}（${d.projects} 个项目）` : '未报送'));
  });
  $('#chart').replaceChildren(root);
}
