/**
 * A relationships part (`…/_rels/x.xml.rels`) as an editable DOM: look targets up by id or type, add a relationship
 * with the next free rId. Targets resolve through opc.ts, as the guard and the readers resolve them.
 */
import { NS, XML_DECLARATION } from './namespaces';
import { resolveTarget, relativeTarget } from './opc';
import { children, make, parseXml, type XmlDoc, type XmlEl } from './xml';

export class Relationships {
  /** `source` is the part the relationships belong to ('' for the package). */
  constructor(readonly source: string, readonly doc: XmlDoc) {}

  static empty(source: string): Relationships {
    return new Relationships(source, parseXml(`${XML_DECLARATION}<Relationships xmlns="${NS.pkgRel}"/>`));
  }

  list(): XmlEl[] {
    return children(this.doc.documentElement!, 'Relationship');
  }

  /** The part an internal relationship points to (by type, and by id when given). */
  target(type: string, id?: string): string | undefined {
    const r = this.list().find((x) => x.getAttribute('Type') === type && (id === undefined || x.getAttribute('Id') === id) && x.getAttribute('TargetMode') !== 'External');
    return r ? resolveTarget(this.source, r.getAttribute('Target') ?? '') : undefined;
  }

  /** Id → part of every internal relationship. */
  targets(): Map<string, string> {
    const out = new Map<string, string>();
    for (const r of this.list()) {
      const part = r.getAttribute('TargetMode') === 'External' ? undefined : resolveTarget(this.source, r.getAttribute('Target') ?? '');
      if (part) out.set(r.getAttribute('Id') ?? '', part);
    }
    return out;
  }

  /** Adds a relationship to `part` (written relative to the source) and returns its new id. */
  add(type: string, part: string): string {
    const ids = new Set(this.list().map((r) => r.getAttribute('Id')));
    let n = ids.size + 1;
    while (ids.has(`rId${n}`)) n++;
    const id = `rId${n}`;
    this.doc.documentElement!.appendChild(make(this.doc, 'Relationship', { Id: id, Type: type, Target: relativeTarget(this.source, part) }, [], NS.pkgRel));
    return id;
  }
}
