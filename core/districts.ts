/** The 旗县区 of 包头 (plus 市直单位 for units reporting to the city directly) and tolerant name matching. */
import data from '../templates/districts.json';
import { cleanText } from './text';

export const DISTRICTS: readonly string[] = data.districts;
const ALIASES: Readonly<Record<string, string>> = data.aliases;

/** Canonical district name for what a user typed (aliases such as 昆区 or 达茂旗 accepted), or undefined. */
export function normalizeDistrict(value: unknown): string | undefined {
  const text = cleanText(value).replace(/\s+/g, '');
  if (!text) return undefined;
  if (DISTRICTS.includes(text)) return text;
  const alias = ALIASES[text];
  if (alias) return alias;
  const withoutCity = text.replace(/^包头市?/, '');
  if (withoutCity !== text) return normalizeDistrict(withoutCity);
  return undefined;
}

export function isDistrict(value: string): boolean {
  return DISTRICTS.includes(value);
}
