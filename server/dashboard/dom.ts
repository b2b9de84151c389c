/** DOM helpers for the dashboard. User text only ever becomes text nodes (textContent), never HTML. */
export const $ = <T extends HTMLElement = HTMLElement>(sel: string, root: ParentNode = document): T => {
  const node = root.querySelector<T>(sel);
  if (!node) throw new Error(`页面缺少元素 ${sel}`);
  return node;
};
export const $$ = <T extends HTMLElement = HTMLElement>(sel: string, root: ParentNode = document): T[] => Array.from(root.querySelectorAll<T>(sel));

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((ev: Event) => void)>;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Child | Child[]>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') node.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'class') node.className = String(v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

/**
 * A table whose cells carry their column name (data-label), so that narrow screens can show each row as a card
 * (see dashboard.css). A cell is a node, text, or {text, class}.
 */
export type Cell = Child | { value: Child | Child[]; class?: string };
const isNum = (c: Cell) => Boolean(c && typeof c === 'object' && !(c instanceof Node) && c.class === 'num');

export function table(headers: readonly string[], rows: readonly Cell[][], opts: { id?: string; class?: string } = {}): HTMLTableElement {
  // A column of numbers is right-aligned, its header too.
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => isNum(r[i])));
  return el('table', { class: `grid cards${opts.class ? ` ${opts.class}` : ''}`, id: opts.id },
    el('thead', {}, el('tr', {}, ...headers.map((h, i) => el('th', { scope: 'col', class: numeric[i] ? 'num' : undefined }, h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c, i) => {
      const cell = c && typeof c === 'object' && !(c instanceof Node) ? c : { value: c };
      const parts = Array.isArray(cell.value) ? cell.value : [cell.value];
      // One wrapper per cell keeps several parts (a state tag and 逾期) together in the card layout's value column.
      return el('td', { 'data-label': headers[i] ?? '', class: cell.class }, parts.length > 1 ? el('div', { class: 'v' }, ...parts) : parts[0]);
    })))));
}

/**
 * Puts the page's place (a tab, or one 申报) in the address, so Back, Forward and reload keep the user where they
 * were. `replace` for the first place after signing in (no extra history entry).
 */
export function navigate(hash: string, replace = false): void {
  if (location.hash === hash) return;
  if (replace) history.replaceState(null, '', hash);
  else history.pushState(null, '', hash);
}

/** The message bar under the header: errors in red, confirmations in green. */
export function message(text: string, ok = false): void {
  const m = $('#message');
  m.textContent = text;
  m.classList.toggle('ok', ok);
  m.hidden = !text;
}

export function saveBlob(blob: Blob, name: string): void {
  const a = el('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 1000);
}

export function base64Blob(base64: string, type: string): Blob {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function stateTag(state: string): HTMLElement {
  return el('span', { class: `state state-${state}` }, state);
}

/** A file chooser in Chinese: the native input stays hidden (its button text follows the browser's language). */
export function filePicker(input: HTMLInputElement): void {
  const name = el('span', { class: 'muted small file-name' }, '未选择文件');
  const button = el('button', { type: 'button', onclick: () => input.click() }, '选择文件…');
  input.classList.add('file-input');
  input.addEventListener('change', () => (name.textContent = input.files?.[0]?.name ?? '未选择文件'));
  input.form?.addEventListener('reset', () => (name.textContent = '未选择文件'));
  input.after(el('span', { class: 'file-pick' }, button, ' ', name));
}

/** The “选择文件…” button inside a drop zone: opens the file picker without also counting as a click on the zone. */
export function pickButton(input: HTMLInputElement): HTMLButtonElement {
  return el('button', { type: 'button', class: 'primary', onclick: (ev) => {
    ev.stopPropagation();
    input.click();
  } }, '选择文件…');
}

/** A drop zone while its upload runs: dimmed, and announced busy to assistive technology. */
export function markBusy(zone: HTMLElement, busy: boolean): void {
  zone.classList.toggle('busy', busy);
  if (busy) zone.setAttribute('aria-busy', 'true');
  else zone.removeAttribute('aria-busy');
}

let dropsGuarded = false;

/**
 * Makes `zone` a drop target and a click stand-in for `input` (a hidden file input): files chosen either way go to
 * `onFiles`. The zone is a labelled group, not a control: its 选择文件 button is the one keyboard stop. A file
 * dropped beside a zone is ignored — by default the browser would open it and leave the page.
 */
export function dropZone(zone: HTMLElement, input: HTMLInputElement, onFiles: (files: FileList | null | undefined) => void): void {
  if (!dropsGuarded) {
    dropsGuarded = true;
    window.addEventListener('dragover', (ev) => ev.preventDefault());
    window.addEventListener('drop', (ev) => ev.preventDefault());
  }
  zone.setAttribute('role', 'group');
  input.addEventListener('change', () => onFiles(input.files));
  zone.addEventListener('click', () => input.click());
  zone.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    zone.classList.remove('over');
    onFiles(ev.dataTransfer?.files);
  });
}
