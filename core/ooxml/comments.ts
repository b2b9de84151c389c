/**
 * A sheet's comments part (notes, xl/commentsN.xml) as an editable DOM: one author, and per cell a note whose text is
 * a run of its own, appended to an existing note (the unit's own note stays, with its formatting) or new.
 */
import { NS, XML_DECLARATION } from './namespaces';
import { children, ensureChild, first, make, type XmlDoc } from './xml';

const ORDER = ['authors', 'commentList', 'extLst'];

export const EMPTY_COMMENTS = `${XML_DECLARATION}<comments xmlns="${NS.main}"><authors/><commentList/></comments>`;

export interface NoteStyle {
  /** ARGB of the text. */
  rgb: string;
  size: number;
  bold?: boolean;
}

/** Adds (or extends) the notes of one sheet: cell → text, each prefixed with “author：”. */
export function addComments(doc: XmlDoc, author: string, notes: ReadonlyMap<string, string>, style: NoteStyle): void {
  const root = doc.documentElement!;
  const authors = ensureChild(doc, root, 'authors', ORDER);
  const list = ensureChild(doc, root, 'commentList', ORDER);
  let authorId = children(authors, 'author').findIndex((a) => a.textContent === author);
  if (authorId < 0) {
    const a = make(doc, 'author');
    a.appendChild(doc.createTextNode(author));
    authors.appendChild(a);
    authorId = children(authors, 'author').length - 1;
  }
  for (const [ref, text] of notes) {
    const existing = children(list, 'comment').find((c) => c.getAttribute('ref') === ref);
    const run = make(doc, 'r', {}, [make(doc, 'rPr', {}, [...(style.bold ? [make(doc, 'b')] : []), make(doc, 'sz', { val: String(style.size) }), make(doc, 'color', { rgb: style.rgb })])]);
    const t = make(doc, 't', { 'xml:space': 'preserve' });
    t.appendChild(doc.createTextNode(existing ? `\n${author}：${text}` : `${author}：${text}`));
    run.appendChild(t);
    if (existing) {
      const body = first(existing, 'text') ?? (existing.appendChild(make(doc, 'text')) as ReturnType<typeof make>);
      // A plain <t> body becomes a run so both texts keep their own formatting.
      for (const plain of children(body, 't')) {
        const r = make(doc, 'r');
        body.insertBefore(r, plain);
        r.appendChild(plain);
      }
      body.appendChild(run);
    } else {
      list.appendChild(make(doc, 'comment', { ref, authorId: String(authorId) }, [make(doc, 'text', {}, [run])]));
    }
  }
}
