// A test double of the Office.js subset the task pane uses, with an in-memory workbook. Served in place of
// office.js by the browser test (after exceljs's browser build, which insertWorksheetsFromBase64 uses to read the
// real template bytes). Test code drives it through window.__excelDouble: type(), read(), selectCell(), renameSheet(),
// deleteSheet(), addSheet(), insertRows(), deleteRows(), nameRef(), selected, created, inserts, changeHandlers().
// The workbook's defined names move with inserted and deleted rows as in Excel (a name whose cells are all deleted
// becomes #REF!: its range is a null object). Failures are OfficeExtension.Error-like (name "RichApi.Error", a code,
// a zh-CN message), as the real Office.js rejects.
(function () {
  'use strict';
  const sheets = new Map(); // name → { name, cells: Map<address, {value, formula}>, handlers: [] , visibility }
  const names = new Map(); // workbook-level defined name → { sheet, top, left, bottom, right }, or null once its cells are deleted (#REF!)
  const pending = [];
  const double = { selected: null, created: [], active: null, charts: [], inserts: 0 };
  window.__excelDouble = double;

  // Requirement-set versions compare by their minor number (1.8 < 1.13).
  const minor = (v) => Number(String(v).split('.')[1] || 0);
  const colNum = (s) => [...s].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  const colLetter = (n) => { let s = ''; for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s; return s; };
  function parse(address) {
    const [a, b] = address.replace(/\$/g, '').split(':');
    const p = (x) => { const m = /^([A-Z]+)(\d+)$/.exec(x); return { col: colNum(m[1]), row: Number(m[2]) }; };
    const from = p(a), to = p(b || a);
    return { top: from.row, left: from.col, bottom: to.row, right: to.col };
  }
  // Office.js rejects with OfficeExtension.Error: name "RichApi.Error", a code, and a message in the host's language
  // (zh-CN here, as our users' Excel); which object failed is only in debugInfo.
  const LOCALIZED = { ItemNotFound: '请求的资源不存在。', ItemAlreadyExists: '该资源已存在。' };
  class RichApiError extends Error {
    constructor(code, location) {
      super(LOCALIZED[code] || code);
      this.name = 'RichApi.Error';
      this.code = code;
      this.debugInfo = { code, message: this.message, errorLocation: location };
    }
  }
  function addSheet(name) {
    if (sheets.has(name)) throw new RichApiError('ItemAlreadyExists', 'WorksheetCollection.add');
    const s = { name, cells: new Map(), handlers: [] };
    sheets.set(name, s);
    return s;
  }
  const selectionHandlers = [];
  function fireSelection() {
    for (const h of selectionHandlers) Promise.resolve().then(() => h({ type: 'SelectionChanged' }));
  }
  function fire(sheetName, address) {
    const s = sheets.get(sheetName);
    for (const h of s.handlers) Promise.resolve().then(() => h({ worksheetId: sheetName, address, changeType: 'RangeEdited' }));
  }

  const boxAddress = (a) => `${colLetter(a.left)}${a.top}${a.bottom > a.top || a.right > a.left ? `:${colLetter(a.right)}${a.bottom}` : ''}`;
  /** Rows inserted (delta > 0) or deleted (delta < 0) at row `at` of a sheet: its cells and the names on it move. */
  function moveRows(sheetName, at, delta) {
    const s = sheets.get(sheetName);
    const gone = delta < 0 ? at - delta - 1 : at - 1; // last deleted row (none when inserting)
    const cells = [...s.cells.entries()];
    s.cells.clear();
    for (const [addr, cell] of cells) {
      const m = /^([A-Z]+)(\d+)$/.exec(addr);
      const row = Number(m[2]);
      if (delta < 0 && row >= at && row <= gone) continue;
      s.cells.set(`${m[1]}${row >= at ? row + delta : row}`, cell);
    }
    for (const [name, a] of names) {
      if (!a || a.sheet !== sheetName) continue;
      if (delta > 0) {
        names.set(name, { ...a, top: a.top >= at ? a.top + delta : a.top, bottom: a.bottom >= at ? a.bottom + delta : a.bottom });
        continue;
      }
      // Deleted rows: those of the name that stay, moved up by the deleted rows above them.
      const kept = [];
      for (let r = a.top; r <= a.bottom; r++) if (r < at || r > gone) kept.push(r < at ? r : r + delta);
      names.set(name, kept.length ? { ...a, top: kept[0], bottom: kept[kept.length - 1] } : null);
    }
    fire(sheetName, `${at}:${at}`);
  }

  function range(s, address) {
    const box = parse(address);
    const each = (fn) => { const out = []; for (let r = box.top; r <= box.bottom; r++) { const row = []; for (let c = box.left; c <= box.right; c++) row.push(fn(`${colLetter(c)}${r}`)); out.push(row); } return out; };
    const setAll = (rows, key) => rows.forEach((row, i) => row.forEach((v, j) => {
      const addr = `${colLetter(box.left + j)}${box.top + i}`;
      const cell = s.cells.get(addr) || {};
      if (key === 'value') s.cells.set(addr, { value: v, formula: null, format: cell.format });
      else s.cells.set(addr, { ...cell, format: v });
    }));
    const fmt = { fill: {}, font: {}, autofitColumns() {} };
    return {
      address: `${s.name}!${address}`,
      load() { return this; },
      get values() { return each((a) => { const c = s.cells.get(a); return c && c.value !== undefined && c.value !== null ? c.value : ''; }); },
      set values(rows) { setAll(rows, 'value'); },
      get formulas() { return each((a) => { const c = s.cells.get(a); return c && c.formula ? `=${c.formula}` : c && c.value !== undefined && c.value !== null ? c.value : ''; }); },
      set numberFormat(rows) { setAll(rows, 'format'); },
      format: fmt,
      select() { double.selected = { sheet: s.name, address }; fireSelection(); },
    };
  }

  function worksheet(s) {
    return {
      name: s.name,
      isNullObject: false,
      getRange: (address) => range(s, address),
      activate() { double.active = s.name; },
      delete() { sheets.delete(s.name); },
      onChanged: { add(handler) { s.handlers.push(handler); return { remove() {} }; } },
      charts: {
        add(type, src, seriesBy) {
          const chart = { type, source: src.address, seriesBy, title: {}, top: 0, left: 0, series: { getItemAt: () => ({ setXAxisValues(r) { chart.categories = r.address; } }) } };
          double.charts.push(chart);
          return chart;
        },
      },
    };
  }

  async function insertFromBase64(b64) {
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const wb = new window.ExcelJS.Workbook();
    await wb.xlsx.load(bytes.buffer);
    for (const n of wb.definedNames.model) {
      const m = /^'?(.+?)'?!(\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$/.exec(n.ranges[0] || '');
      if (m && n.ranges.length === 1) names.set(n.name, { sheet: m[1].replace(/''/g, "'"), ...parse(m[2]) });
    }
    for (const ws of wb.worksheets) {
      const s = addSheet(ws.name);
      ws.eachRow({ includeEmpty: false }, (row) => row.eachCell({ includeEmpty: false }, (cell) => {
        let v = cell.value;
        let formula = null;
        if (v && typeof v === 'object' && 'formula' in v) { formula = v.formula; v = v.result === undefined ? '' : v.result; }
        else if (v instanceof Date) v = (v.getTime() - Date.UTC(1899, 11, 30)) / 86400000;
        else if (v && typeof v === 'object' && 'richText' in v) v = v.richText.map((t) => t.text).join('');
        s.cells.set(cell.address, { value: v, formula });
      }));
    }
  }

  const context = {
    workbook: {
      worksheets: {
        getItem(name) { const s = sheets.get(name); if (!s) throw new RichApiError('ItemNotFound', 'WorksheetCollection.getItem'); return worksheet(s); },
        getItemOrNullObject(name) { const s = sheets.get(name); return s ? worksheet(s) : { isNullObject: true }; },
        add(name) { return worksheet(addSheet(name)); },
      },
      insertWorksheetsFromBase64(b64) { double.inserts++; pending.push(insertFromBase64(b64)); },
      names: {
        getItemOrNullObject(name) {
          if (!names.has(name)) return { isNullObject: true };
          return {
            isNullObject: false,
            name,
            getRangeOrNullObject() {
              const a = names.get(name);
              if (!a || !sheets.has(a.sheet)) return { isNullObject: true, load() { return this; } };
              return { ...range(sheets.get(a.sheet), boxAddress(a)), isNullObject: false };
            },
          };
        },
      },
      getSelectedRange() { const sel = double.selected || { sheet: [...sheets.keys()][0], address: 'A1' }; return sheets.has(sel.sheet) ? range(sheets.get(sel.sheet), sel.address) : { address: `${sel.sheet}!A1`, load() { return this; } }; },
      onSelectionChanged: { add(handler) { selectionHandlers.push(handler); return { remove() {} }; } },
    },
    async sync() { while (pending.length) await pending.shift(); },
  };

  double.type = (sheet, address, value) => {
    const s = sheets.get(sheet);
    if (!s) throw new Error(`no sheet ${sheet}`);
    s.cells.set(address, { value, formula: typeof value === 'string' && value.startsWith('=') ? value.slice(1) : null });
    fire(sheet, address);
  };
  double.read = (sheet, address) => range(sheets.get(sheet), address).values;
  /** Where a defined name points now ('申报表!A8:K10'), or '#REF!' once its cells were deleted. */
  double.nameRef = (name) => { const a = names.get(name); return a ? `${a.sheet}!${boxAddress(a)}` : '#REF!'; };
  /** The user inserts `count` whole rows at row `at` (Excel: the cells below and the names over them move down). */
  double.insertRows = (sheet, at, count) => moveRows(sheet, at, count);
  /** The user deletes `count` whole rows from row `at` (the cells below move up; a name wholly inside becomes #REF!). */
  double.deleteRows = (sheet, at, count) => moveRows(sheet, at, -count);
  /** The user clicks a cell. */
  double.selectCell = (sheet, address) => { double.selected = { sheet, address }; fireSelection(); };
  double.sheetNames = () => [...sheets.keys()];
  /** The user renames a sheet (same place in the tab order; its change handlers stay, as in Excel). */
  double.renameSheet = (from, to) => {
    const entries = [...sheets.entries()].map(([n, s]) => (n === from ? [to, Object.assign(s, { name: to })] : [n, s]));
    sheets.clear();
    for (const [n, s] of entries) sheets.set(n, s);
  };
  /** The user deletes a sheet. */
  double.deleteSheet = (name) => { sheets.delete(name); };
  /** A sheet the user made (before any template). */
  double.addSheet = (name) => { addSheet(name); };
  /** How many change handlers a sheet has (each registration is one more, as in Excel). */
  double.changeHandlers = (name) => (sheets.has(name) ? sheets.get(name).handlers.length : 0);

  window.Office = {
    HostType: { Excel: 'Excel' },
    context: { requirements: { isSetSupported: (set, version) => set === 'ExcelApi' && minor(version) <= minor(window.__excelApiVersion || '1.13') } },
    onReady(cb) { const info = { host: 'Excel', platform: 'OfficeOnline' }; setTimeout(() => cb && cb(info), 0); return Promise.resolve(info); },
  };
  window.OfficeExtension = { Error: RichApiError };
  window.Excel = {
    ChartType: { barClustered: 'BarClustered' },
    ChartSeriesBy: { columns: 'Columns' },
    run: async (fn) => fn(context),
    createWorkbook: async (b64) => { double.created.push(b64); },
  };
})();
