/** The 旗县区 of 包头 (plus 市直单位 for units reporting to the city directly) and tolerant name matching. */
import data from '../templates/districts.json';
import { cleanText } from './text';

export const DISTRICTS: readonly string[] = data.districts;
// A Map, never a plain object: a name such as “constructor” or “__proto__” must not find Object.prototype's members.
const ALIASES: ReadonlyMap<string, string> = new Map(Object.entries(data.aliases));

/** Canonical district name for what a user typed (aliases such as 昆区 or 达茂旗 accepted), or undefined. */
export function normalizeDistrict(value: unknown): string | undefined {
  const text = cleanText(value).replace(/\s+/g, '');
  if (!text) return undefined;
  if (DISTRICTS.includes(text)) return text;
  const alias = ALIASES.get(text);
  if (alias) return alias;
  const withoutCity = text.replace(/^包头市?/, '');
  if (withoutCity !== text) return normalizeDistrict(withoutCity);
  return undefined;
}

/**
 * The 旗县区 that a name which is not one (nor an alias) most likely means: the only one it begins, such as 九原 for
 * 九原区 or 土默特右 for 土默特右旗 (two characters at least). For the “是不是……？” of the message; never taken as the
 * answer itself.
 */
export function districtGuess(value: unknown): string | undefined {
  const text = cleanText(value).replace(/\s+/g, '').replace(/^包头市?/, '');
  if (text.length < 2) return undefined;
  const found = DISTRICTS.filter((d) => d.startsWith(text));
  return found.length === 1 ? found[0] : undefined;
}

export function isDistrict(value: string): boolean {
  return DISTRICTS.includes(value);
}
