// redsite dashboard: plain DOM, no inline scripts (CSP script-src 'self'). Every user-typed value goes through
// textContent, never innerHTML.
'use strict';
(function () {
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const ROLE = { secretariat: '秘书处', district: '旗县区', unit: '填报单位' };
  const DISTRICTS = ['昆都仑区', '青山区', '东河区', '九原区', '石拐区', '白云鄂博矿区', '土默特右旗', '固阳县', '达尔罕茂明安联合旗', '稀土高新区', '市直单位'];
  const state = { token: sessionStorage.getItem('redsite.token') || '', me: null, rubric: null, current: null };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }
  const pct = (x) => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
  const time = (iso) => (iso ? new Date(iso).toLocaleString('zh-CN', { hour12: false }) : '');
  const stateTag = (s) => el('span', { class: `state state-${s}` }, s);

  function message(text, ok) {
    const m = $('#message');
    m.textContent = text;
    m.classList.toggle('ok', Boolean(ok));
    m.hidden = !text;
  }

  async function api(path, opts = {}) {
    const headers = Object.assign({}, opts.headers, state.token ? { authorization: `Bearer ${state.token}` } : {});
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, { method: opts.method || 'GET', headers, body: opts.json !== undefined ? JSON.stringify(opts.json) : undefined });
    } catch {
      throw new Error('无法连接服务器，请检查网络后重试');
    }
    if (res.status === 401) {
      signOut();
      throw new Error('登录已失效，请重新输入令牌');
    }
    if (opts.blob) {
      if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error || `下载失败（${res.status}）`);
      return { blob: await res.blob(), name: filename(res) };
    }
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.error || `请求失败（${res.status}）`);
    return body;
  }

  function filename(res) {
    const cd = res.headers.get('content-disposition') || '';
    const m = /filename\*=UTF-8''([^;]+)/.exec(cd);
    return m ? decodeURIComponent(m[1]) : 'redsite.xlsx';
  }

  async function download(path) {
    message('');
    try {
      const { blob, name } = await api(path, { blob: true });
      const a = el('a', { href: URL.createObjectURL(blob), download: name });
      document.body.append(a);
      a.click();
      setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      message(`已开始下载：${name}`, true);
    } catch (e) {
      message(e.message);
    }
  }

  function signOut() {
    state.token = '';
    state.me = null;
    sessionStorage.removeItem('redsite.token');
    $('#app').hidden = true;
    $('#who').hidden = true;
    $('#sign-in').hidden = false;
  }

  async function signIn(token) {
    state.token = token.trim();
    try {
      state.me = await api('/api/v1/me');
    } catch (e) {
      message(e.message);
      return;
    }
    sessionStorage.setItem('redsite.token', state.token);
    message('');
    $('#sign-in').hidden = true;
    $('#app').hidden = false;
    $('#who').hidden = false;
    $('#who-name').textContent = state.me.unit ? `${state.me.name}（${state.me.unit}）` : state.me.district ? `${state.me.name}（${state.me.district}）` : state.me.name;
    $('#who-role').textContent = ROLE[state.me.role];
    const isUnit = state.me.role === 'unit';
    $$('[data-tab="overview"], [data-tab="roster"], [data-tab="downloads"]').forEach((b) => (b.hidden = isUnit));
    $('[data-tab="showcase"]').hidden = state.me.role !== 'secretariat';
    $('#dl-master').hidden = state.me.role !== 'secretariat';
    fillDistrictSelects();
    state.rubric = state.rubric || (await api('/api/v1/rubric').catch(() => null));
    showTab(isUnit ? 'list' : 'overview');
  }

  function fillDistrictSelects() {
    const mine = state.me.role === 'secretariat' ? DISTRICTS : [state.me.district];
    for (const sel of [$('#f-district'), $('#dl-district')]) {
      const keepAll = sel.id === 'f-district' && state.me.role === 'secretariat';
      sel.replaceChildren(...(keepAll ? [el('option', { value: '' }, '全部')] : []), ...mine.map((d) => el('option', { value: d }, d)));
    }
    $('#f-district').closest('label').hidden = state.me.role !== 'secretariat';
  }

  function showTab(name) {
    $$('.tabs button').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.tab === name)));
    $$('[data-panel]').forEach((p) => (p.hidden = p.dataset.panel !== name));
    $('#detail').hidden = true;
    const load = { overview: loadOverview, list: loadList, roster: loadRoster, downloads: () => {}, showcase: loadShowcase }[name];
    Promise.resolve(load()).catch((e) => message(e.message));
  }

  async function loadOverview() {
    const { items } = await api('/api/v1/districts');
    $('#districts tbody').replaceChildren(
      ...items.map((d) =>
        el('tr', {}, el('td', {}, d.district), el('td', { class: 'num' }, d.expected), el('td', { class: 'num' }, d.submitted), el('td', { class: 'num' }, d.returned),
          el('td', { class: 'num' }, d.approved), el('td', { class: 'num' }, d.projects), el('td', { class: 'num' }, d.projects ? pct(d.avgRate) : '—'), el('td', { class: 'num' }, d.metCount)),
      ),
    );
    drawChart(items);
  }

  function drawChart(items) {
    const NS = 'http://www.w3.org/2000/svg';
    const svg = (tag, attrs, text) => {
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
      root.append(svg('text', { x: left + barWidth + 8, y: y + 15, 'font-size': 12, fill: '#616161' }, d.projects ? `${pct(d.avgRate)}（${d.projects} 个项目）` : '未报送'));
    });
    $('#chart').replaceChildren(root);
  }

  async function loadList(ev) {
    if (ev) ev.preventDefault();
    const form = new FormData($('#filters'));
    const q = new URLSearchParams();
    for (const [k, v] of form.entries()) if (v) q.set(k, v);
    const { items } = await api(`/api/v1/submissions?${q}`);
    $('#list-empty').hidden = items.length > 0;
    $('#submissions tbody').replaceChildren(
      ...items.map((s) =>
        el('tr', {},
          el('td', {}, s.unit), el('td', {}, s.district), el('td', {}, s.projectNames.join('、')), el('td', { class: 'num' }, pct(s.avgRate)),
          el('td', { class: 'num' }, `${s.metCount}/${s.projects}`), el('td', {}, stateTag(s.state), s.late ? el('span', { class: 'late' }, '逾期') : null),
          el('td', { class: 'num' }, s.version), el('td', {}, time(s.updatedAt)),
          el('td', {}, el('button', { type: 'button', class: 'link', onclick: () => openDetail(s.id) }, '查看'))),
      ),
    );
  }

  async function loadRoster() {
    const r = await api('/api/v1/roster');
    $('#deadline').textContent = `报送截止：${time(r.deadline)}`;
    $('#roster tbody').replaceChildren(
      ...r.items.map((d) =>
        el('tr', {}, el('td', {}, d.district), el('td', { class: 'num' }, d.expected), el('td', { class: 'num' }, d.submitted), el('td', { class: 'num' }, d.returned), el('td', { class: 'num' }, d.approved),
          el('td', {}, d.missing.length ? el('ul', {}, ...d.missing.map((m) => el('li', {}, `${m.unit}${m.contact ? ` · ${m.contact}` : ''}${m.phone ? ` · ${m.phone}` : ''}`))) : '全部已报送')),
      ),
    );
  }

  function showcaseQuery() {
    const q = new URLSearchParams();
    for (const [k, v] of new FormData($('#showcase-form')).entries()) if (v) q.set(k, v);
    return q.toString();
  }

  async function loadShowcase(ev) {
    if (ev) ev.preventDefault();
    const s = await api(`/api/v1/showcase?${showcaseQuery()}`);
    $('#showcase-rule').textContent = `选取规则：${s.rule}。共 ${s.entries.length} 个项目。`;
    $('#showcase tbody').replaceChildren(
      ...s.entries.map((e) =>
        el('tr', {}, el('td', { class: 'num' }, e.rank), el('td', {}, e.project.district), el('td', {}, e.project.enterprise), el('td', {}, e.project.projectName),
          el('td', {}, e.project.startDate), el('td', { class: 'num' }, pct(e.score.rate)),
          el('td', {}, e.gaps.length ? e.gaps.map((g) => `${g.id}（${g.answer}）`).join('、') : '全部达到'))),
    );
  }

  async function openDetail(id) {
    message('');
    let d;
    try {
      d = await api(`/api/v1/submissions/${encodeURIComponent(id)}`);
    } catch (e) {
      message(e.message);
      return;
    }
    state.current = d;
    $$('[data-panel]').forEach((p) => (p.hidden = true));
    $('#detail').hidden = false;
    $('#d-title').textContent = `${d.unit}（${d.district}）`;
    $('#d-meta').replaceChildren(stateTag(d.state), ` 第 ${d.version} 版 · 提交编号 ${d.id} · 联系人 ${d.submission.reporter.contact} ${d.submission.reporter.phone}`, d.late ? el('span', { class: 'late' }, '逾期提交') : '');
    $('#d-reason').hidden = !d.returnReason;
    $('#d-reason').textContent = d.returnReason ? `退回原因：${d.returnReason}` : '';
    const canReview = state.me.role === 'secretariat' || (state.me.role === 'district' && state.me.district === d.district);
    $('#d-approve').hidden = !canReview || d.state !== '已提交';
    $('#d-return').hidden = !canReview;
    $('#d-original').hidden = !d.hasFile;
    $('#d-annotated').hidden = false; // JSON submissions come back as a filled workbook
    $('#return-form').hidden = true;
    $('#d-projects tbody').replaceChildren(
      ...d.submission.projects.map((p, i) => {
        const s = d.scores[i];
        return el('tr', {}, el('td', {}, p.seq), el('td', {}, p.enterprise), el('td', {}, p.projectName), el('td', {}, p.address), el('td', {}, p.scale), el('td', {}, p.leader), el('td', {}, p.phone),
          el('td', {}, `${p.startDate}—${p.endDate}`), el('td', {}, p.district), el('td', { class: 'num' }, `${s.total}/${s.max}`), el('td', { class: 'num' }, pct(s.rate)),
          el('td', {}, el('span', { class: s.met ? 'yes' : 'no' }, s.met ? '具备' : '不具备')));
      }),
    );
    renderAnswers(d);
    $('#d-issues').replaceChildren(...(d.issues.length ? d.issues.map((i) => el('li', { class: i.severity }, `${i.severity === 'error' ? '错误' : '提醒'} ${i.sheet ? `${i.sheet}${i.cell ? `!${i.cell}` : ''} ` : ''}${i.message}`)) : [el('li', {}, '没有问题')]));
    $('#d-versions tbody').replaceChildren(
      ...d.versions.map((v) =>
        el('tr', {}, el('td', { class: 'num' }, v.version), el('td', {}, time(v.createdAt)), el('td', {}, v.source === 'addin' ? '加载项' : v.source === 'xlsx' ? '上传工作簿' : '导入'), el('td', {}, v.byName || ''), el('td', {}, v.fileName || ''),
          el('td', {}, v.version > 1 ? el('button', { type: 'button', class: 'link', onclick: () => showDiff(d.id, v.version - 1, v.version) }, `与第 ${v.version - 1} 版比较`) : '')),
      ),
    );
    $('#d-diff').replaceChildren();
    $('#d-audit tbody').replaceChildren(
      ...d.audit.map((a) => el('tr', {}, el('td', {}, time(a.at)), el('td', {}, a.actor), el('td', {}, a.action), el('td', {}, a.detail && a.detail.reason ? a.detail.reason : a.detail && a.detail.version ? `第 ${a.detail.version} 版` : ''), el('td', {}, a.ip || ''))),
    );
    $('#detail').scrollIntoView({ block: 'start' });
  }

  function renderAnswers(d) {
    const root = $('#d-answers');
    if (!state.rubric) {
      root.textContent = '（评分细则未能加载）';
      return;
    }
    const groups = [];
    for (const sec of state.rubric.sections) {
      for (const g of sec.groups) {
        const table = el('table', { class: 'grid' },
          el('thead', {}, el('tr', {}, el('th', {}, '编号'), el('th', {}, '具体细则'), ...d.submission.projects.map((p) => el('th', {}, `项目 ${p.seq}`)))),
          el('tbody', {}, ...g.criteria.map((c) =>
            el('tr', {}, el('td', {}, c.id), el('td', {}, c.text),
              ...d.submission.projects.map((p) => {
                const a = p.answers[c.id] || '未填';
                const note = p.notes && p.notes[c.id];
                return el('td', {}, el('span', { class: `ans ans-${a}` }, a), note ? el('div', { class: 'small muted' }, `佐证：${note}`) : null);
              })))));
        groups.push(el('div', { class: 'answers-group' }, el('h4', {}, `${sec.name} · ${g.name}`), table));
      }
    }
    root.replaceChildren(...groups);
  }

  async function showDiff(id, from, to) {
    try {
      const diff = await api(`/api/v1/submissions/${encodeURIComponent(id)}/diff?from=${from}&to=${to}`);
      const rows = [
        ...diff.fields.map((f) => el('tr', {}, el('td', {}, f.project === null ? '填报信息' : `项目 ${f.project}`), el('td', {}, f.label), el('td', {}, f.before), el('td', {}, f.after))),
        ...diff.answers.map((a) => el('tr', {}, el('td', {}, `项目 ${a.project}`), el('td', {}, a.criterion), el('td', {}, a.before), el('td', {}, a.after))),
      ];
      $('#d-diff').replaceChildren(el('h4', {}, `第 ${from} 版 → 第 ${to} 版`), rows.length ? el('table', { class: 'grid' }, el('thead', {}, el('tr', {}, el('th', {}, '位置'), el('th', {}, '内容'), el('th', {}, '修改前'), el('th', {}, '修改后'))), el('tbody', {}, ...rows)) : el('p', { class: 'muted' }, '两个版本内容相同'));
    } catch (e) {
      message(e.message);
    }
  }

  async function review(action, reason) {
    const d = state.current;
    try {
      await api(`/api/v1/submissions/${encodeURIComponent(d.id)}/${action}`, { method: 'POST', json: action === 'return' ? { reason } : {} });
      await openDetail(d.id);
      message(action === 'return' ? '已退回修改，填报单位会看到退回原因' : '已审核通过', true);
    } catch (e) {
      message(e.message);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('#sign-in-form').addEventListener('submit', (e) => {
      e.preventDefault();
      signIn($('#token').value);
    });
    $('#sign-out').addEventListener('click', signOut);
    $$('.tabs button').forEach((b) => b.addEventListener('click', () => showTab(b.dataset.tab)));
    $('#filters').addEventListener('submit', (e) => loadList(e).catch((err) => message(err.message)));
    $('#d-close').addEventListener('click', () => showTab('list'));
    $('#d-approve').addEventListener('click', () => review('approve'));
    $('#d-return').addEventListener('click', () => {
      $('#return-form').hidden = false;
      $('#return-reason').focus();
    });
    $('#return-cancel').addEventListener('click', () => ($('#return-form').hidden = true));
    $('#return-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const reason = $('#return-reason').value.trim();
      if (reason.length < 2) return message('请填写退回原因（至少 2 个字），让填报单位知道要改什么');
      review('return', reason);
    });
    $('#d-original').addEventListener('click', () => download(`/api/v1/submissions/${encodeURIComponent(state.current.id)}/original`));
    $('#d-annotated').addEventListener('click', () => download(`/api/v1/submissions/${encodeURIComponent(state.current.id)}/annotated.xlsx`));
    $('#dl-master').addEventListener('click', () => download('/api/v1/master.xlsx'));
    $('#dl-district-btn').addEventListener('click', () => download(`/api/v1/districts/${encodeURIComponent($('#dl-district').value)}/workbook.xlsx`));
    $('#dl-template').addEventListener('click', () => download('/api/v1/template.xlsx'));
    $('#showcase-form').addEventListener('submit', (e) => loadShowcase(e).catch((err) => message(err.message)));
    $('#showcase-download').addEventListener('click', () => download(`/api/v1/showcase.xlsx?${showcaseQuery()}`));
    if (state.token) signIn(state.token);
  });
})();
