/**
 * The file name in a Content-Disposition header (RFC 6266): `filename*` (RFC 8187/5987: charset'language'%XX…,
 * UTF-8 or ISO-8859-1) before `filename` (a token or a quoted string with \-escapes), as browsers do. Express sends
 * both for a Chinese name: `filename="??.jpg"; filename*=UTF-8''%E6%8C%82%E7%89%8C.jpg`. Browser-safe.
 */

/** The parameters after the disposition type, names lower-cased, the first of each name kept, quotes removed. */
function parameters(header: string): Map<string, string> {
  const out = new Map<string, string>();
  // A quoted value is taken whole, so a `;` or `filename=` inside the quotes is part of the name.
  for (const m of header.matchAll(/;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g)) {
    const name = m[1]!.toLowerCase();
    let value = m[2]!.trim();
    if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

/** `UTF-8''%E6%8C%82%E7%89%8C.jpg` → 挂牌.jpg; undefined for another charset or bad percent-encoding. */
function extValue(value: string): string | undefined {
  const m = /^([A-Za-z0-9!#$%&+^_`{}~-]+)'[^']*'(.*)$/.exec(value);
  if (!m) return undefined;
  const charset = m[1]!.toLowerCase();
  try {
    if (charset === 'utf-8') return decodeURIComponent(m[2]!);
    if (charset === 'iso-8859-1' || charset === 'latin1') {
      if (/%(?![0-9A-Fa-f]{2})/.test(m[2]!)) return undefined;
      return m[2]!.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    }
  } catch {
    // malformed UTF-8: fall back to `filename`
  }
  return undefined;
}

/** The file name the header gives (without any folder part), or undefined when it gives none. */
export function dispositionFileName(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const params = parameters(header);
  const star = params.get('filename*');
  const raw = (star !== undefined ? extValue(star) : undefined) ?? params.get('filename');
  const name = raw?.split(/[/\\]/).pop()?.trim();
  return name || undefined;
}
