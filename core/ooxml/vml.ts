/**
 * The legacy VML drawing that shows notes (xl/drawings/vmlDrawingN.vml): Excel and LibreOffice draw a note only when
 * its cell has a hidden note shape here. Shapes are added by DOM, with ids after the highest one already there.
 */
import { NS } from './namespaces';
import { parseCell } from './address';
import { parseFragment, type XmlDoc, type XmlNode } from './xml';

const NOTE_SHAPETYPE = `<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>`;

/** A new drawing; `block` is its id block (shape ids start at block × 1024). */
export function emptyVml(block: number): string {
  return `<xml xmlns:v="${NS.vml}" xmlns:o="${NS.vmlOffice}" xmlns:x="${NS.vmlExcel}"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="${block}"/></o:shapelayout>${NOTE_SHAPETYPE}</xml>`;
}

/** Adds a hidden note shape for each cell (canonical A1) that has none yet. */
export function addNoteShapes(doc: XmlDoc, cells: readonly string[]): void {
  const root = doc.documentElement!;
  const shapes = Array.from(doc.getElementsByTagNameNS(NS.vml, 'shape'));
  const noteAt = new Set(
    shapes.flatMap((s) => {
      const data = Array.from(s.getElementsByTagNameNS(NS.vmlExcel, 'ClientData'))[0];
      if (!data || data.getAttribute('ObjectType') !== 'Note') return [];
      const row = Array.from(data.getElementsByTagNameNS(NS.vmlExcel, 'Row'))[0]?.textContent;
      const col = Array.from(data.getElementsByTagNameNS(NS.vmlExcel, 'Column'))[0]?.textContent;
      return row && col ? [`${Number(row)}:${Number(col)}`] : [];
    }),
  );
  const block = Number(Array.from(doc.getElementsByTagNameNS(NS.vmlOffice, 'idmap'))[0]?.getAttribute('data')?.split(',')[0] ?? 1) || 1;
  let id = Math.max(block * 1024, ...shapes.map((s) => Number(/_x0000_s(\d+)$/.exec(s.getAttribute('id') ?? '')?.[1] ?? 0)));
  if (!Array.from(doc.getElementsByTagNameNS(NS.vml, 'shapetype')).some((t) => t.getAttribute('id') === '_x0000_t202')) {
    root.appendChild(doc.importNode(parseFragment(NOTE_SHAPETYPE.replace('<v:shapetype ', `<v:shapetype xmlns:v="${NS.vml}" xmlns:o="${NS.vmlOffice}" `)), true) as XmlNode);
  }
  for (const cell of cells) {
    const { row, col } = parseCell(cell)!;
    if (noteAt.has(`${row - 1}:${col - 1}`)) continue;
    id++;
    const top = Math.max(0, row - 2);
    const shape = parseFragment(
      `<v:shape xmlns:v="${NS.vml}" xmlns:o="${NS.vmlOffice}" xmlns:x="${NS.vmlExcel}" id="_x0000_s${id}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:200pt;height:70pt;z-index:${id};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>${col}, 15, ${top}, 10, ${col + 2}, 15, ${top + 4}, 4</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>${row - 1}</x:Row><x:Column>${col - 1}</x:Column></x:ClientData></v:shape>`,
    );
    root.appendChild(doc.importNode(shape, true) as XmlNode);
  }
}
