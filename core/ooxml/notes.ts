/**
 * Notes on the cells of one worksheet, wired the way Excel wires them: the sheet's comments part holds the text, a
 * VML drawing (referenced by <legacyDrawing>) holds the hidden shapes that make them show, both reached through the
 * sheet's relationships and declared in [Content_Types].xml. Existing comments and drawings are extended, not replaced.
 */
import { CONTENT_TYPE, REL } from './namespaces';
import type { ContentTypes } from './content-types';
import type { Package } from './package';
import type { Worksheet } from './worksheet';
import { EMPTY_COMMENTS, addComments, type NoteStyle } from './comments';
import { addNoteShapes, emptyVml } from './vml';
import { parseXml, type XmlDoc } from './xml';
import { strToU8 } from 'fflate';

/**
 * Adds `notes` (cell → text) to the worksheet at `part`. Returns false, changing nothing, when the sheet's drawing
 * cannot be read safely (the caller still has the cells it marked); true when the notes are in place (the package
 * then needs the vml extension declared, see declareVml).
 */
export function addSheetNotes(pkg: Package, types: ContentTypes, part: string, sheet: Worksheet, notes: ReadonlyMap<string, string>, author: string, style: NoteStyle): boolean {
  const rels = pkg.relationships(part);
  const legacyId = sheet.legacyDrawingId();
  let vmlPart = legacyId !== undefined ? rels.target(REL.vmlDrawing, legacyId) : undefined;
  let vml: XmlDoc | undefined;
  try {
    vml = vmlPart && pkg.has(vmlPart) ? pkg.xml(vmlPart) : undefined;
  } catch {
    return false;
  }
  let relsChanged = false;
  let commentsPart = rels.target(REL.comments);
  const n = Math.max(pkg.unused((k) => `xl/comments${k}.xml`), pkg.unused((k) => `xl/drawings/vmlDrawing${k}.vml`));
  if (!commentsPart || !pkg.has(commentsPart)) {
    commentsPart = `xl/comments${n}.xml`;
    pkg.set(commentsPart, strToU8(EMPTY_COMMENTS));
    rels.add(REL.comments, commentsPart);
    types.override(commentsPart, CONTENT_TYPE.comments);
    relsChanged = true;
  }
  if (!vml) {
    vmlPart = `xl/drawings/vmlDrawing${n}.vml`;
    vml = parseXml(emptyVml(n));
    sheet.setLegacyDrawing(rels.add(REL.vmlDrawing, vmlPart));
    relsChanged = true;
  }
  const comments = pkg.xml(commentsPart);
  addComments(comments, author, notes, style);
  addNoteShapes(vml, [...notes.keys()]);
  pkg.saveXml(commentsPart, comments);
  pkg.saveXml(vmlPart!, vml);
  if (relsChanged) pkg.saveRelationships(rels);
  return true;
}

/** VML drawings have no override of their own: their extension carries the content type. */
export function declareVml(types: ContentTypes): void {
  types.extension('vml', CONTENT_TYPE.vmlDrawing);
}
