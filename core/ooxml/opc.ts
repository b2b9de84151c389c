/**
 * The package rules of an xlsx (Open Packaging Conventions) that both the guard and the readers follow: a part is
 * found through relationships (package → workbook → worksheets), never by its usual path, so a sheet stored at
 * `xl/sub/sheet3.xml` is the same sheet to every check and every reader. Part names compare case-insensitively.
 */

export const REL_TYPE = {
  officeDocument: /\/relationships\/officeDocument$/,
  worksheet: /\/relationships\/worksheet$/,
  sharedStrings: /\/relationships\/sharedStrings$/,
} as const;

export interface Relationship {
  id: string;
  type: string;
  /** Part name the target resolves to (no leading slash), or undefined for external or invalid targets. */
  part: string | undefined;
}

/** `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`; the package itself ('') → `_rels/.rels`. */
export function relsPartOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/** Resolves a relationship target against its source part; undefined when it leaves the package. */
export function resolveTarget(sourcePart: string, target: string): string | undefined {
  let t = target.split('#')[0]!.split('?')[0]!;
  try {
    t = decodeURIComponent(t);
  } catch {
    return undefined;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(t) || t.startsWith('//')) return undefined;
  const base = t.startsWith('/') ? [] : sourcePart.split('/').slice(0, -1);
  const out = [...base];
  for (const seg of t.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.length ? out.join('/') : undefined;
}

export const partKey = (name: string): string => name.toLowerCase();

/** Relationships read from a .rels part's attributes (as a streaming XML parser hands them over). */
export function relationshipOf(sourcePart: string, attrs: Record<string, string>): Relationship | undefined {
  const id = attrs.Id;
  const type = attrs.Type ?? '';
  if (!id || attrs.Target === undefined) return undefined;
  const part = attrs.TargetMode === 'External' ? undefined : resolveTarget(sourcePart, attrs.Target);
  return { id, type, part };
}

/** The `r:id` of a <sheet> element, whatever prefix the file bound the relationships namespace to. */
export function relIdOf(attrs: Record<string, string>): string | undefined {
  return attrs['r:id'] ?? Object.entries(attrs).find(([k]) => k.endsWith(':id'))?.[1];
}

/** Path of part `to` relative to the folder of part `from`: what a relationship of `from` writes as its Target. */
export function relativeTarget(from: string, to: string): string {
  const a = from.split('/').slice(0, -1);
  const b = to.split('/');
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}
