/**
 * 账号: the 秘书处 manages every account, a 旗县区 the 填报单位 accounts of its district — create one, create many from
 * the unit list (→ 账号清单.xlsx, the only place the new tokens appear), revoke, re-issue a lost token.
 */
import { can, ROLE_LABELS, ROLES, type Role } from '../../core/policy';
import { DISTRICTS } from '../../core/districts';
import { beijingTime } from '../../core/time';
import { UserCreateSchema } from '../model';
import { api, ApiError, session } from './api';
import { $, el, table, message, saveBlob, base64Blob, XLSX_TYPE } from './dom';
import { issueTable } from './upload';
import { me } from './state';

interface User { id: number; name: string; role: Role; district?: string; unit?: string; tokenPrefix: string; createdAt: string; expiresAt: string | null; revokedAt: string | null }
interface Bulk { created: Array<{ user: User; unit: string; district: string }>; skipped: Array<{ unit: string; district: string; reason: string }>; fileName?: string; workbook?: string }

const status = (u: User) => (u.revokedAt ? '已停用' : u.expiresAt && u.expiresAt <= new Date().toISOString() ? '已过期' : '有效');

/** A token shown once, with the address to sign in at. */
function tokenBox(title: string, token: string): HTMLElement {
  const code = el('code', { class: 'token', id: 'new-token' }, token);
  return el('div', { class: 'result ok token-box' },
    el('p', { class: 'result-title' }, title),
    el('p', {}, '令牌（只显示这一次，请复制后转交）：', code, ' ',
      el('button', { type: 'button', onclick: () => void navigator.clipboard?.writeText(token).then(() => message('令牌已复制', true), () => message('无法自动复制，请手动选中令牌复制')) }, '复制')),
    el('p', { class: 'muted small' }, `登录地址：${location.origin}/ 。令牌遗失后无法找回，可在本页点“重新签发”换一个新令牌（旧令牌随即失效）。`));
}

/**
 * A new action on this page (create, bulk create, 停用, 重新签发) starts: the result of the one before goes, so that a
 * refusal is never shown beside a token box naming another account.
 */
function clearResult(): void {
  $('#account-result').replaceChildren();
}

export async function loadAccounts(): Promise<void> {
  const who = me();
  const { items } = await api<{ items: User[] }>('/api/v1/users');
  $('#accounts').replaceChildren(items.length ? table(['编号', '名称', '角色', '旗县区', '单位', '令牌开头', '创建时间', '状态', ''], items.map((u) => [
    { value: u.id, class: 'num' }, u.name, ROLE_LABELS[u.role], u.district ?? '', u.unit ?? '', el('code', {}, `${u.tokenPrefix}…`), beijingTime(u.createdAt), status(u),
    { value: [
      !u.revokedAt && u.id !== who.id ? el('button', { type: 'button', class: 'link', onclick: () => void act(u, 'revoke') }, '停用') : null,
      el('button', { type: 'button', class: 'link', onclick: () => void act(u, 'reissue') }, '重新签发'),
    ] },
  ])) : el('p', { class: 'muted' }, '还没有账号。'));
}

async function act(u: User, action: 'revoke' | 'reissue'): Promise<void> {
  const own = u.id === me().id;
  const question = action === 'revoke'
    ? `停用“${u.name}”？停用后该令牌立即不能再登录。`
    : own ? '为您自己的账号重新签发令牌？旧令牌会立即失效；本页会改用新令牌，保持登录，请把新令牌抄下来保存好。' : `为“${u.name}”重新签发令牌？旧令牌会立即失效。`;
  if (!window.confirm(question)) return;
  clearResult();
  try {
    const r = await api<{ user: User; token?: string }>(`/api/v1/users/${u.id}/${action}`, { json: {} });
    // One's own token re-issued: this page goes on with the new one (the old one no longer signs in).
    if (own && r.token) session.save(r.token, session.remembered);
    $('#account-result').replaceChildren(r.token ? tokenBox(own ? '已为您自己的账号重新签发令牌（本页已改用新令牌）' : `已为“${u.name}”重新签发令牌`, r.token) : el('div', { class: 'result ok' }, el('p', { class: 'result-title' }, `已停用“${u.name}”`)));
    await loadAccounts();
  } catch (e) {
    message((e as Error).message);
  }
}

export function setupAccountForm(): void {
  const who = me();
  const roleSel = $<HTMLSelectElement>('#a-role');
  const roles = ROLES.filter((r) => can(who, 'manageUsers', { district: who.district, role: r }));
  roleSel.replaceChildren(...roles.map((r) => el('option', { value: r }, ROLE_LABELS[r])));
  roleSel.value = 'unit';
  const districtSel = $<HTMLSelectElement>('#a-district');
  const districts = who.role === 'secretariat' ? DISTRICTS : [who.district!];
  districtSel.replaceChildren(...districts.map((d) => el('option', { value: d }, d)));
  const sync = () => {
    $('#a-unit-wrap').hidden = roleSel.value !== 'unit';
    $('#a-district-wrap').hidden = roleSel.value === 'secretariat';
  };
  roleSel.onchange = sync;
  sync();
  $('#bulk-hint').textContent = who.role === 'district' ? `只能为本旗县区（${who.district}）的单位创建账号。` : '可包含各旗县区的单位。';
}

/**
 * Runs a form's request with its submit button disabled, so that a double click sends it once (a second account, a
 * second token nobody sees); the button comes back when the answer is in, whatever it is.
 */
async function whileSending(form: HTMLFormElement, run: () => Promise<void>): Promise<void> {
  const button = $<HTMLButtonElement>('button[type=submit]', form);
  button.disabled = true;
  try {
    await run();
  } finally {
    button.disabled = false;
  }
}

export function wireAccounts(): void {
  const accountForm = $<HTMLFormElement>('#account-form');
  accountForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if ($<HTMLButtonElement>('button[type=submit]', accountForm).disabled) return;
    clearResult();
    const v = (id: string) => $<HTMLInputElement>(id).value.trim();
    const role = v('#a-role') as Role;
    // A blank 账号名称 is the schema's to fill (the unit's name, or “…管理员”): its messages are the only ones shown.
    const input = { role, ...(v('#a-name') ? { name: v('#a-name') } : {}), ...(role !== 'secretariat' ? { district: v('#a-district') } : {}), ...(role === 'unit' ? { unit: v('#a-unit') } : {}) };
    const checked = UserCreateSchema.safeParse(input);
    if (!checked.success) return message([...new Set(checked.error.issues.map((i) => i.message))].join('；'));
    message('');
    void whileSending(accountForm, async () => {
      try {
        const r = await api<{ user: User; token: string }>('/api/v1/users', { json: checked.data });
        $('#account-result').replaceChildren(tokenBox(`已创建${ROLE_LABELS[r.user.role]}账号 #${r.user.id} ${r.user.name}`, r.token));
        accountForm.reset();
        setupAccountForm();
        await loadAccounts();
      } catch (err) {
        message((err as Error).message);
      }
    });
  });
  const bulkForm = $<HTMLFormElement>('#bulk-form');
  bulkForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if ($<HTMLButtonElement>('button[type=submit]', bulkForm).disabled) return;
    clearResult();
    const file = $<HTMLInputElement>('#bulk-file').files?.[0];
    if (!file) return message('请先选择单位名单（.xlsx 或 .csv）');
    const form = new FormData();
    form.append('file', file, file.name);
    message('');
    void whileSending(bulkForm, async () => {
      const out = $('#account-result');
      try {
        const r = await api<Bulk>('/api/v1/users/bulk', { form });
        const blob = r.workbook ? base64Blob(r.workbook, XLSX_TYPE) : undefined;
        if (blob) saveBlob(blob, r.fileName!);
        out.replaceChildren(el('div', { class: 'result ok' },
          el('p', { class: 'result-title' }, `已创建 ${r.created.length} 个填报单位账号${r.skipped.length ? `，跳过 ${r.skipped.length} 个` : ''}`),
          blob ? el('p', {}, el('button', { type: 'button', class: 'primary', id: 'bulk-download', onclick: () => saveBlob(blob, r.fileName!) }, `下载${r.fileName}`), ' 令牌只在这份清单里出现这一次：请保存好，按单位转交。') : null,
          r.created.length ? table(['单位', '旗县区', '账号'], r.created.map((c) => [c.unit, c.district, `#${c.user.id} ${c.user.name}`])) : null,
          r.skipped.length ? el('h4', {}, '跳过的单位') : null,
          r.skipped.length ? table(['单位', '旗县区', '原因'], r.skipped.map((s) => [s.unit, s.district, s.reason])) : null));
        bulkForm.reset();
        await loadAccounts();
      } catch (err) {
        out.replaceChildren(el('div', { class: 'result bad' }, el('p', { class: 'result-title' }, (err as Error).message), err instanceof ApiError && err.issues.length ? issueTable(err.issues) : null));
      }
    });
  });
}
