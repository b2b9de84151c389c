/**
 * A small worksheet written from scratch as text: inline-string cells with a style, row heights, column widths,
 * frozen header rows, merged cells, links to cells of the workbook and an A4 print setup. For sheets redsite adds
 * to a unit's own file (问题清单); every value is escaped here.
 */
import { NS, XML_DECLARATION } from './namespaces';
import { colLetter, formatCell } from './address';
import { escapeXml } from './xml';

export interface SheetSpec {
  /** Column widths in characters, from column A. */
  widths: number[];
  rows: Array<{ r: number; height?: number; cells: Array<{ col: number; text: string; style: number }> }>;
  /** Header rows kept in view, and the cell selected below them. */
  freeze?: { rows: number; activeCell: string };
  /** The tab that opens selected. */
  selected?: boolean;
  merges?: string[];
  /** Links to a place in the workbook: `location` like `'申报表'!E7`. */
  links?: Array<{ ref: string; location: string; display: string }>;
  landscape?: boolean;
}

export function sheetXml(spec: SheetSpec): string {
  const lastRow = Math.max(1, ...spec.rows.map((r) => r.r));
  const lastCol = Math.max(1, spec.widths.length, ...spec.rows.flatMap((r) => r.cells.map((c) => c.col)));
  const view = spec.freeze
    ? `<pane ySplit="${spec.freeze.rows}" topLeftCell="${formatCell(1, spec.freeze.rows + 1)}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="${spec.freeze.activeCell}" sqref="${spec.freeze.activeCell}"/>`
    : '';
  const cols = spec.widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('');
  const rows = spec.rows
    .map((row) => {
      const ht = row.height !== undefined ? ` ht="${row.height}" customHeight="1"` : '';
      const cells = row.cells.map((c) => `<c r="${formatCell(c.col, row.r)}" s="${c.style}" t="inlineStr"><is><t xml:space="preserve">${escapeXml(c.text)}</t></is></c>`).join('');
      return `<row r="${row.r}"${ht}>${cells}</row>`;
    })
    .join('');
  const merges = spec.merges?.length ? `<mergeCells count="${spec.merges.length}">${spec.merges.map((m) => `<mergeCell ref="${m}"/>`).join('')}</mergeCells>` : '';
  const links = spec.links?.length ? `<hyperlinks>${spec.links.map((l) => `<hyperlink ref="${l.ref}" location="${escapeXml(l.location)}" display="${escapeXml(l.display)}"/>`).join('')}</hyperlinks>` : '';
  return `${XML_DECLARATION}<worksheet xmlns="${NS.main}" xmlns:r="${NS.rel}"><dimension ref="A1:${colLetter(lastCol)}${lastRow}"/><sheetViews><sheetView${spec.selected ? ' tabSelected="1"' : ''} workbookViewId="0">${view}</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>${cols ? `<cols>${cols}</cols>` : ''}<sheetData>${rows}</sheetData>${merges}${links}<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/><pageSetup paperSize="9"${spec.landscape ? ' orientation="landscape"' : ''}/></worksheet>`;
}
