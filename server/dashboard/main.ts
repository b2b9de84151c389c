/**
 * The dashboard (bundled by scripts/build-addin.js into server/dashboard/dist/dashboard.js): sign-in, and one tab per
 * job of the signed-in role. Which tabs and buttons appear is asked of core/policy, the table the server enforces.
 * No inline scripts (CSP script-src 'self'); user text only through textContent.
 */
import { can, ROLE_LABELS } from '../../core/policy';
import { DISTRICTS } from '../../core/districts';
import { DEFAULT_LIMITS } from '../../core/limits';
import { DEFAULT_PROJECTS, projectCountInput, projectCountMessage } from '../../core/workbook/contract';
import { api, session, download, whenUnauthorized } from './api';
import { $, $$, el, message, navigate, filePicker } from './dom';
import { state, me, type Me } from './state';
import { fillStateFilter, filterQuery, loadList, openDetail, wireDetail } from './submissions';
import { uploadZone } from './upload';
import { loadOverview } from './overview';
import { loadAccounts, setupAccountForm, wireAccounts } from './accounts';
import { loadRoster, wireRoster } from './roster';
import { loadSettings, loadShowcase, wireAdmin } from './admin';

interface Tab { label: (m: Me) => string; show: (m: Me) => boolean; load: () => Promise<unknown> }

const TABS: Record<string, Tab> = {
  home: { label: () => '我的申报', show: (m) => m.role === 'unit', load: () => loadMine() },
  overview: { label: () => '概览', show: (m) => m.role !== 'unit', load: () => loadOverview() },
  list: { label: (m) => (m.role === 'district' ? '审核' : '申报列表'), show: (m) => m.role !== 'unit', load: () => loadList($('#submissions'), filterQuery(), () => showTab('list')) },
  upload: { label: () => '代为上传', show: (m) => m.role !== 'unit' && can(m, 'write', { district: m.district }), load: async () => undefined },
  accounts: { label: () => '账号', show: (m) => can(m, 'manageUsers', { district: m.district, role: 'unit' }), load: () => loadAccounts() },
  roster: { label: () => '报送名单', show: (m) => can(m, 'roster', { district: m.district }), load: () => loadRoster() },
  downloads: { label: () => '下载', show: (m) => can(m, 'export', { district: m.district }), load: async () => undefined },
  showcase: { label: () => '观摩名单', show: (m) => can(m, 'showcase'), load: () => loadShowcase() },
  admin: { label: () => '设置与日志', show: (m) => can(m, 'settings'), load: () => loadSettings() },
};

/** The tab shown last: where 返回 from a 申报 opened by its address goes. */
let currentTab = '';

function showTab(name: string, replace = false): void {
  currentTab = name;
  navigate(`#${name}`, replace);
  $$('.tabs button').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.tab === name)));
  $$('[data-panel]').forEach((p) => (p.hidden = p.dataset.panel !== name));
  $('#detail').hidden = true;
  message('');
  TABS[name]!.load().catch((e: Error) => message(e.message));
}

async function loadMine(): Promise<void> {
  await loadList($('#my-list'), new URLSearchParams(), () => showTab('home'));
}

function signOut(why = ''): void {
  state.me = undefined;
  // The next one to sign in starts on their own first tab, not on the place the last one left.
  currentTab = '';
  history.replaceState(null, '', location.pathname + location.search);
  session.clear();
  $('#app').hidden = true;
  $('#who').hidden = true;
  $('#sign-in').hidden = false;
  message(why);
}

async function signIn(token: string, remember: boolean): Promise<void> {
  const t = token.trim();
  if (!t) return message('请输入令牌');
  let who: Me;
  try {
    who = await api<Me>('/api/v1/me', { token: t });
  } catch (e) {
    message((e as Error).message);
    return;
  }
  session.save(t, remember);
  state.me = who;
  message('');
  $<HTMLInputElement>('#token').value = '';
  $('#sign-in').hidden = true;
  $('#app').hidden = false;
  $('#who').hidden = false;
  $('#who-name').textContent = who.unit ? `${who.name}（${who.unit}）` : who.district ? `${who.name}（${who.district}）` : who.name;
  $('#who-role').textContent = ROLE_LABELS[who.role];
  let first = '';
  for (const b of $$('.tabs button')) {
    const tab = TABS[b.dataset.tab!]!;
    b.hidden = !tab.show(who);
    b.textContent = tab.label(who);
    if (!b.hidden && !first) first = b.dataset.tab!;
  }
  setupForRole(who);
  go(first, true);
}

/** Shows the place the address names (#accounts, #submission/<提交编号>) when this account may see it, else `first`. */
function go(first: string, replace = false): void {
  let place = '';
  try {
    place = decodeURIComponent(location.hash.slice(1));
  } catch {
    // an address typed or cut badly (“%E4%B8”): the first tab
  }
  const tab = $$('.tabs button').find((b) => b.dataset.tab === place && !b.hidden)?.dataset.tab;
  if (place.startsWith('submission/')) {
    if (!currentTab) showTab(first, true);
    const tabBefore = currentTab;
    void openDetail(place.slice('submission/'.length), () => showTab(tabBefore));
    return;
  }
  showTab(tab ?? first, replace);
}

function setupForRole(who: Me): void {
  const districts = who.role === 'secretariat' ? DISTRICTS : who.district ? [who.district] : [];
  const filter = $<HTMLSelectElement>('#f-district');
  filter.replaceChildren(el('option', { value: '' }, '全部'), ...districts.map((d) => el('option', { value: d }, d)));
  filter.closest('label')!.hidden = who.role !== 'secretariat';
  // A district's list opens as its review queue: what waits for a decision.
  $<HTMLSelectElement>('#filters select[name=state]').value = who.role === 'district' ? '已提交' : '';
  $('#list-title').textContent = who.role === 'district' ? `审核队列 · ${who.district}` : '申报列表';
  $('#dl-district').replaceChildren(...districts.map((d) => el('option', { value: d }, d)));
  $('#dl-master').hidden = !can(who, 'export', {}) || who.role !== 'secretariat';
  $('#roster-import').hidden = !can(who, 'roster', { district: who.district });
  $('#unit-name').textContent = who.unit ?? '';
  $('#unit-district').textContent = who.district ?? '';
  $('#home-upload').replaceChildren(uploadZone(me, { hint: '申报工作簿（.xlsx）；WPS 中请“另存为”Excel 工作簿', id: 'unit-upload', after: () => void loadMine() }));
  $('#proxy-upload').replaceChildren(uploadZone(me, { hint: who.role === 'district' ? `单位从工作簿的“填报单位”读取，须属于${who.district}` : '单位从工作簿的“填报单位”读取', id: 'district-upload' }));
  $('#proxy-hint').textContent = who.role === 'district'
    ? `收到单位用邮件或微信发来的工作簿时，在这里代为上传：按工作簿中的填报单位保存，审计日志记为由${who.name}代为上传。`
    : '代任一单位上传工作簿：按工作簿中的填报单位保存。';
  if (can(who, 'manageUsers', { district: who.district, role: 'unit' })) setupAccountForm();
}

/** The blank workbook with the 项目数 of a form field; a number out of range is said, and nothing downloads. */
function downloadTemplate(input: string): void {
  const field = $<HTMLInputElement>(input);
  // A number field holding text that is no number (“abc”) reads as blank: it is said too, not taken as the default.
  const asked = field.validity.badInput ? { error: projectCountMessage() } : projectCountInput(field.value);
  if ('error' in asked) {
    message(asked.error);
    field.focus();
    return;
  }
  void download(`/api/v1/me/template.xlsx?projects=${asked.projects}`);
}

document.addEventListener('DOMContentLoaded', () => {
  whenUnauthorized((why) => signOut(why));
  // The project cap is core/limits.ts's, not the page's.
  for (const input of $$<HTMLInputElement>('input[data-projects]')) Object.assign(input, { max: String(DEFAULT_LIMITS.projects), value: String(DEFAULT_PROJECTS) });
  fillStateFilter();
  $('#sign-in-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void signIn($<HTMLInputElement>('#token').value, $<HTMLInputElement>('#remember').checked);
  });
  $('#sign-out').addEventListener('click', () => signOut('已退出登录；在此电脑上记住的令牌也已清除'));
  for (const b of $$('.tabs button')) {
    const name = b.dataset.tab!;
    const panel = $(`[data-panel="${name}"]`);
    Object.assign(b, { id: `tab-${name}` });
    b.setAttribute('aria-controls', (panel.id = `panel-${name}`));
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', b.id);
    b.addEventListener('click', () => showTab(name));
  }
  // Back and Forward: the place in the address, drawn again.
  window.addEventListener('popstate', () => {
    if (state.me) go(currentTab || 'home');
  });
  $('#filters').addEventListener('submit', (e) => {
    e.preventDefault();
    void loadList($('#submissions'), filterQuery(), () => showTab('list')).catch((err: Error) => message(err.message));
  });
  $('#home-template').addEventListener('click', () => downloadTemplate('#home-projects'));
  $('#dl-master').addEventListener('click', () => void download('/api/v1/master.xlsx'));
  $('#dl-district-btn').addEventListener('click', () => void download(`/api/v1/districts/${encodeURIComponent($<HTMLSelectElement>('#dl-district').value)}/workbook.xlsx`));
  $('#dl-template').addEventListener('click', () => downloadTemplate('#dl-projects'));
  filePicker($<HTMLInputElement>('#bulk-file'));
  filePicker($<HTMLInputElement>('#roster-file'));
  wireDetail();
  wireAccounts();
  wireRoster();
  wireAdmin();
  $<HTMLInputElement>('#remember').checked = session.remembered;
  if (session.token) void signIn(session.token, session.remembered);
});
