/**
 * Uploading a filled workbook: choose a file or drop it, see the progress, then either every issue to fix
 * (工作表!单元格, 字段, 说明) or a receipt (回执) that can be printed. Used by units (their own workbook, and the fixed
 * one after a 退回) and by districts and the 秘书处 (on behalf of a unit: the unit comes from the file).
 */
import { issuePlace, type Issue } from '../../core/issues';
import { issueFieldLabel } from '../../core/messages';
import { formatRate, type ProjectScore } from '../../core/score';
import { formatBytes } from '../../core/limits';
import { beijingTime } from '../../core/time';
import { OlderVersionDetailsSchema, type OlderVersionDetails } from '../model';
import { api, upload, ApiError } from './api';
import { dropZone, markBusy, pickButton, el, table, message } from './dom';
import type { Me } from './state';

interface StoreResult { id: string; version: number; unchanged: boolean; reopened?: boolean; restoredFrom?: number; state: string; late: boolean; unit: string; district: string; scores: ProjectScore[]; issues: Issue[] }
interface Detail { id: string; unit: string; district: string; version: number; submission: { projects: Array<{ seq: number; projectName: string; enterprise: string }> }; scores: ProjectScore[]; versions: Array<{ version: number; createdAt: string }> }


export function issueTable(issues: readonly Issue[]): HTMLElement {
  return table(['位置', '字段', '说明'], issues.map((i) => [
    issuePlace(i) || '—',
    issueFieldLabel(i),
    { value: [el('span', { class: `sev sev-${i.severity}` }, i.severity === 'error' ? '须修改' : '提醒'), ' ', i.message] },
  ]), { class: 'issue-table' });
}

function receipt(stored: StoreResult, detail: Detail, me: Me): HTMLElement {
  const at = detail.versions.find((v) => v.version === stored.version)?.createdAt;
  const onBehalf = me.role !== 'unit';
  const box = el('section', { class: 'receipt', id: 'receipt', 'aria-label': '回执' },
    el('h3', {}, '“红色工地”创建申报 · 回执'),
    el('dl', { class: 'facts' },
      el('dt', {}, '提交编号'), el('dd', { class: 'mono' }, stored.id),
      el('dt', {}, '版本'), el('dd', {}, `第 ${stored.version} 版${stored.unchanged ? '（内容与上一次相同，未新建版本）' : ''}`),
      el('dt', {}, '时间'), el('dd', {}, `${beijingTime(at, { seconds: true })}（北京时间）${stored.late ? ' · 逾期提交' : ''}`),
      el('dt', {}, '填报单位'), el('dd', {}, `${stored.unit}（${stored.district}）`),
      el('dt', {}, '状态'), el('dd', {}, stored.state),
    ),
    table(['序号', '项目', '得分', '得分率', '七有一好八规范'], detail.submission.projects.map((p, i) => {
      const s = detail.scores[i]!;
      return [p.seq, p.projectName, { value: `${s.total}/${s.max}`, class: 'num' }, { value: formatRate(s.rate), class: 'num' }, s.met ? '具备' : '不具备'];
    })),
  );
  const print = el('button', { type: 'button', class: 'no-print', onclick: () => printReceipt() }, '打印回执');
  // 提醒 do not stop a submission, but the unit should see them now, not only when a district returns it.
  const warnings = stored.issues.filter((i) => i.severity !== 'error');
  return el('div', { class: 'result ok', tabindex: -1 },
    el('p', { class: 'result-title' }, onBehalf ? `已为“${stored.unit}”（${stored.district}）保存为第 ${stored.version} 版` : stored.unchanged ? `服务器上已是这份内容（第 ${stored.version} 版）` : `提交成功：第 ${stored.version} 版`),
    stored.restoredFrom ? el('p', { class: 'restored' }, `按确认恢复了第 ${stored.restoredFrom} 版的内容：保存为新的第 ${stored.version} 版，之前的各版本都保留。`) : null,
    stored.reopened ? el('p', { class: 'reopened' }, '这份申报原已审核通过；新上传的版本改为“已提交”，需要旗县区重新审核。') : null,
    box, print,
    warnings.length ? el('div', { class: 'no-print' },
      el('p', { class: 'muted' }, `另有 ${warnings.length} 条提醒（不影响这次提交，建议按“位置”改好后再上传一次）：`),
      issueTable(warnings)) : null);
}

function printReceipt(): void {
  document.body.classList.add('print-receipt');
  const done = () => {
    document.body.classList.remove('print-receipt');
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
}

function failureView(e: ApiError): HTMLElement {
  const errors = e.issues.filter((i) => i.severity === 'error').length;
  return el('div', { class: 'result bad' },
    el('p', { class: 'result-title' }, e.message),
    // The advice names cells only when the issues have places (a PDF or an empty file has none).
    e.issues.length ? el('p', { class: 'muted' }, `共 ${e.issues.length} 条（须修改 ${errors} 条）${e.issues.some((i) => issuePlace(i)) ? '：请在工作簿中按“位置”找到单元格，改好后保存，再上传一次。' : '。'}`) : null,
    e.issues.length ? issueTable(e.issues) : null);
}

const STATE_AFTER_RESTORE: Record<OlderVersionDetails['state'], string> = {
  已提交: '恢复后申报仍为“已提交”，等待审核。',
  退回修改: '现在的版本已退回修改；恢复后申报改为“已提交”，等待审核。',
  已审核: '现在的版本已审核通过；恢复后申报改为“已提交”，需要重新审核。',
};

/** What restoring does, for the confirm step: a new version with the older content; nothing is deleted. */
function restoreQuestion(d: OlderVersionDetails): string {
  return `恢复“${d.unit}”第 ${d.olderVersion} 版的内容吗？\n\n将以第 ${d.olderVersion} 版的内容保存为新的一版（第 ${d.latestVersion + 1} 版），成为最新版本；`
    + `已有的第 1 至第 ${d.latestVersion} 版都保留，不删除任何内容。${STATE_AFTER_RESTORE[d.state]}\n\n操作记录中会写明由你代为上传、恢复了第 ${d.olderVersion} 版的内容。`;
}

/**
 * The server's OLDER_VERSION refusal (an upload made for a unit whose content is an older version of its 申报, e.g. a
 * stale e-mail attachment): which unit, the file's version against the stored one and its state, from the answer's
 * `details`; and a way to restore that version on purpose (`restore`, after the confirm step).
 */
function olderVersionView(d: OlderVersionDetails, restore: () => void): HTMLElement {
  return el('div', { class: 'result bad older-version' },
    el('p', { class: 'result-title' }, `这是“${d.unit}”申报的旧版本，本次未保存`),
    el('p', {}, `文件的内容与服务器上的第 ${d.olderVersion} 版相同，而服务器上已有更新的第 ${d.latestVersion} 版（${d.state}）。为免旧文件（如邮件里早先的附件）替换新版本${d.state === '已审核' ? '、撤销审核' : ''}，没有保存。`),
    el('p', { class: 'muted' }, `通常请向单位要最新的工作簿再上传。如果单位确实要改回第 ${d.olderVersion} 版的内容，可以恢复这一版：以它的内容保存为新的一版，不删除任何版本。`),
    el('button', { type: 'button', class: 'restore', onclick: restore }, `恢复第 ${d.olderVersion} 版的内容…`));
}

/**
 * An upload area: a drop zone with a file button, a progress bar and the result below it. `after` runs after a
 * successful upload (e.g. to refresh a list) with the result shown (the receipt), which it may move elsewhere.
 * `target` is the 申报 the file is uploaded for (a returned 申报's page): the server refuses any other workbook.
 * One file at a time: a file chosen or dropped while one is being sent is not sent.
 */
export function uploadZone(me: () => Me, opts: { hint: string; after?: (stored: StoreResult, view: HTMLElement) => void; id?: string; target?: string }): HTMLElement {
  // Which formats are read is the server's decision (its refusal says why, in Chinese): no second list here.
  const input = el('input', { type: 'file', class: 'file-input', 'aria-label': '选择申报工作簿' });
  const bar = el('progress', { max: 100, value: 0, hidden: true });
  const progressText = el('span', { class: 'muted small' });
  const result = el('div', { class: 'upload-result', 'aria-live': 'polite' });
  const zone = el('div', { class: 'dropzone', 'aria-label': '把工作簿拖到这里，或点击选择文件' },
    el('strong', {}, '把填好的工作簿拖到这里'), el('span', { class: 'muted' }, '或'),
    pickButton(input),
    el('span', { class: 'muted small' }, opts.hint));

  let busy = false;
  /**
   * Sends `file`; `restore`: store it even though its content is an older version's (after the confirm step), over
   * the latest version the person was shown (the server refuses when another has come since).
   */
  const send = async (file: File, restore?: { latest: number }) => {
    if (busy) {
      message(`正在上传并检查上一个文件，请等它完成后再上传“${file.name}”`);
      return;
    }
    busy = true;
    message('');
    result.replaceChildren();
    markBusy(zone, true);
    bar.hidden = false;
    bar.value = 0;
    progressText.textContent = `正在上传 ${file.name}（${formatBytes(file.size)}）…`;
    try {
      const stored = await upload<StoreResult>(`/api/v1/submissions${restore ? `?restore=1&latest=${restore.latest}` : ''}`, file, (sent, total) => {
        bar.value = total ? Math.round((sent / total) * 100) : 0;
        progressText.textContent = sent >= total ? `已上传 ${formatBytes(total)}，正在检查工作簿…` : `正在上传 ${file.name}：${formatBytes(sent)} / ${formatBytes(total)}`;
      }, opts.target ? { fields: { target: opts.target } } : {});
      const detail = await api<Detail>(`/api/v1/submissions/${encodeURIComponent(stored.id)}`);
      progressText.textContent = '';
      const view = receipt(stored, detail, me());
      result.replaceChildren(view);
      view.focus();
      opts.after?.(stored, view);
    } catch (e) {
      progressText.textContent = '';
      const older = e instanceof ApiError && e.body.code === 'OLDER_VERSION' ? OlderVersionDetailsSchema.safeParse(e.body.details) : undefined;
      // Canceling the confirm step sends nothing: the explanation stays as it is.
      const restore = (d: OlderVersionDetails) => () => {
        if (window.confirm(restoreQuestion(d))) void send(file, { latest: d.latestVersion });
      };
      const view = older?.success ? olderVersionView(older.data, restore(older.data))
        : e instanceof ApiError ? failureView(e) : el('div', { class: 'result bad' }, el('p', {}, (e as Error).message));
      result.replaceChildren(view);
    } finally {
      busy = false;
      bar.hidden = true;
      markBusy(zone, false);
      input.value = '';
    }
  };

  dropZone(zone, input, (files) => {
    if (!files?.length) return;
    if (files.length > 1) {
      result.replaceChildren(el('div', { class: 'result bad' }, el('p', { class: 'result-title' }, '一次只能上传一个工作簿：请逐个拖入')));
      return;
    }
    void send(files[0]!);
  });
  return el('div', { class: 'upload', id: opts.id }, zone, input, el('div', { class: 'progress' }, bar, progressText), result);
}
