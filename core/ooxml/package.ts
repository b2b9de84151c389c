/**
 * An xlsx package in memory, read within the limits (package-limits.ts: the same checks and messages as the guard;
 * zip.ts: counting what actually inflates) and written back with only the parts that changed re-serialised: every
 * other part keeps its exact bytes. Parts are reached by name; XML parts are parsed strictly (xml.ts) and cached, so editors share one DOM per part.
 */
import { zipSync } from 'fflate';
import type { Limits } from '../limits';
import { PACKAGE_MSG, entryProblem, inflatedProblem, newTally } from './package-limits';
import { inflateEntry, zipDirectory, type ZipEntry } from './zip';
import { relsPartOf } from './opc';
import { Relationships } from './relationships';
import { parseXml, serializeXml, type XmlDoc } from './xml';

/** The package cannot be read (or a part it needs is missing or not XML); the message is Chinese and says why. */
export class PackageError extends Error {}

export class Package {
  private readonly docs = new Map<string, XmlDoc>();

  private constructor(private readonly parts: Record<string, Uint8Array>) {}

  /**
   * Reads a package within the limits, as the guard does: file size and entry count, then every entry of the zip
   * directory (name, duplicates, declared size, ratio), then each entry inflated as a stream, counting the bytes that
   * actually come out (more than declared or than the limits stops it at once; fewer than declared is refused).
   */
  static read(data: Uint8Array, limits: Limits): Package {
    if (data.length > limits.uploadBytes) throw new PackageError(PACKAGE_MSG.tooLarge(data.length, limits.uploadBytes));
    let entries: ZipEntry[];
    try {
      entries = zipDirectory(data);
    } catch {
      throw new PackageError(PACKAGE_MSG.corrupt);
    }
    if (entries.length > limits.zipEntries) throw new PackageError(PACKAGE_MSG.entries(entries.length, limits.zipEntries));
    // Folder entries (`xl/`) are not parts; Excel writes none, so the package written back has none either.
    const files = entries.filter((e) => !e.name.endsWith('/'));
    const tally = newTally();
    for (const e of files) {
      const problem = entryProblem(e.name, e.size, e.compressedSize, tally, limits);
      if (problem) throw new PackageError(problem);
    }
    const parts: Record<string, Uint8Array> = {};
    let total = 0;
    for (const e of files) {
      let bytes: Uint8Array;
      try {
        bytes = inflateEntry(data, e, (seen) => {
          const over = inflatedProblem(e.name, seen, e.size, total + seen, limits);
          if (over) throw new PackageError(over);
        });
      } catch (err) {
        throw err instanceof PackageError ? err : new PackageError(PACKAGE_MSG.corrupt);
      }
      if (bytes.length !== e.size) throw new PackageError(PACKAGE_MSG.sizeMismatch(e.name));
      total += bytes.length;
      parts[e.name] = bytes;
    }
    return new Package(parts);
  }

  has(name: string): boolean {
    return this.parts[name] !== undefined;
  }

  bytes(name: string): Uint8Array | undefined {
    return this.parts[name];
  }

  /** Adds or replaces a part (drops any parsed copy of it). */
  set(name: string, bytes: Uint8Array): void {
    this.docs.delete(name);
    this.parts[name] = bytes;
  }

  /** The part as a DOM (parsed once); PackageError when it is missing or not well-formed XML. */
  xml(name: string): XmlDoc {
    const known = this.docs.get(name);
    if (known) return known;
    const bytes = this.parts[name];
    if (!bytes) throw new PackageError(PACKAGE_MSG.partMissing(name));
    let doc: XmlDoc;
    try {
      doc = parseXml(bytes);
    } catch {
      throw new PackageError(PACKAGE_MSG.partInvalid(name));
    }
    this.docs.set(name, doc);
    return doc;
  }

  /** Writes a DOM back into its part (the DOM stays the cached one). */
  saveXml(name: string, doc: XmlDoc): void {
    this.parts[name] = serializeXml(doc);
    this.docs.set(name, doc);
  }

  /** The relationships of a part (`''` for the package): its .rels part, or an empty set when it has none. */
  relationships(part: string): Relationships {
    const rels = relsPartOf(part);
    return this.has(rels) ? new Relationships(part, this.xml(rels)) : Relationships.empty(part);
  }

  saveRelationships(rels: Relationships): void {
    this.saveXml(relsPartOf(rels.source), rels.doc);
  }

  /** The first n ≥ 1 for which `name(n)` is not a part yet (comments3.xml, sheet7.xml…). */
  unused(name: (n: number) => string): number {
    let n = 1;
    while (this.has(name(n))) n++;
    return n;
  }

  /** The package as an xlsx file. */
  write(): Uint8Array {
    return zipSync(this.parts, { level: 6 });
  }
}
