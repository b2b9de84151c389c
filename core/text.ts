/** Text normalisation shared by every reader: what a user typed in Excel, WPS or a form becomes one canonical string. */

// Full-width space, no-break space, zero-width characters and BOM: Excel users paste these from Word and web pages.
const EDGE_SPACE = /^[\s\u3000\u00a0\u200b-\u200d\ufeff]+|[\s\u3000\u00a0\u200b-\u200d\ufeff]+$/g;

/** Trims ASCII and full-width white space at both ends; returns '' for null/undefined. */
export function cleanText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(EDGE_SPACE, '');
}

/** Full-width digits, letters and common punctuation → half-width (０４７２－ → 0472-). */
export function toHalfWidth(value: string): string {
  return value
    .replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}

/** Key for tolerant header matching: no white space, half-width punctuation, unified brackets and dashes. */
export function headerKey(value: unknown): string {
  return toHalfWidth(cleanText(value))
    .replace(/[\s\u3000\u00a0]+/g, '')
    .replace(/[【[]/g, '(')
    .replace(/[】\]]/g, ')')
    .replace(/[、，]/g, ',')
    .replace(/[—–―－~～]/g, '-');
}
