/** [Content_Types].xml as an editable DOM: the content type of each added part, by override or by extension. */
import { NS } from './namespaces';
import { children, first, make, type XmlDoc } from './xml';

export const CONTENT_TYPES_PART = '[Content_Types].xml';

export class ContentTypes {
  constructor(readonly doc: XmlDoc) {}

  /** Declares the type of one part (`xl/comments1.xml`), unless it is declared already. */
  override(part: string, type: string): void {
    const root = this.doc.documentElement!;
    if (children(root, 'Override').some((o) => o.getAttribute('PartName') === `/${part}`)) return;
    root.appendChild(make(this.doc, 'Override', { PartName: `/${part}`, ContentType: type }, [], NS.contentTypes));
  }

  /** Declares the type of every part with this extension (before the overrides, as the schema orders them). */
  extension(ext: string, type: string): void {
    const root = this.doc.documentElement!;
    if (children(root, 'Default').some((d) => d.getAttribute('Extension')?.toLowerCase() === ext.toLowerCase())) return;
    root.insertBefore(make(this.doc, 'Default', { Extension: ext, ContentType: type }, [], NS.contentTypes), first(root, 'Override') ?? null);
  }
}
