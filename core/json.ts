/**
 * Bounded JSON: a request body may be large or deeply nested only within limits, checked on the raw bytes before
 * JSON.parse, so no reader (zod, text normalisation, canonical hashing) ever recurses through an attacker's nesting.
 */

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Deepest nesting of arrays and objects in a JSON text (brackets inside strings do not count). */
export function jsonDepth(data: Uint8Array | string): number {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) depth--;
  }
  return deepest;
}

export const JSON_MSG = {
  tooDeep: (max: number) => `请求内容嵌套层数过多（上限 ${max} 层）：请按接口说明（/api/v1/openapi.json）提交申报数据`,
  invalid: (what: string) => `${what}不是有效的 JSON`,
} as const;

/** JSON.parse within a nesting limit; the Chinese reason when the text is too deep or not JSON. */
export function parseBoundedJson(text: string, maxDepth: number, what = '请求内容'): { ok: true; value: unknown } | { ok: false; message: string } {
  if (jsonDepth(text) > maxDepth) return { ok: false, message: JSON_MSG.tooDeep(maxDepth) };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, message: JSON_MSG.invalid(what) };
  }
}
