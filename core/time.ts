/**
 * Times as people in 包头 read them: Beijing time (UTC+8, no daylight saving), whatever the server's or browser's
 * time zone. Every view, export and receipt formats stored ISO timestamps through here.
 */
const BEIJING_OFFSET_MS = 8 * 3600_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** “2024-05-20 12:34” (with seconds when asked); '' for a missing or unreadable time. */
export function beijingTime(iso: string | null | undefined, opts: { seconds?: boolean } = {}): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const d = new Date(t + BEIJING_OFFSET_MS);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${opts.seconds ? `:${pad(d.getUTCSeconds())}` : ''}`;
  return `${date} ${time}`;
}

/** A deadline given as a date alone: the end of that day, as the default deadline reads the notice's “于5月24日前”. */
export const END_OF_DAY = '23:59';

/** A date: 2024-05-24, 2024/5/24, 2024.5.24 (one separator throughout) or 2024年5月24日 (日 or 号, or neither). */
const DATE = /^(\d{4})(?:([-/.])(\d{1,2})\2(\d{1,2})|年(\d{1,2})月(\d{1,2})([日号])?)(?:(?:T|\s+|(?<=[日号]))(.+))?$/;
/** A time of day: 17:00, 17:00:30, 17时, 17点, 17时30分, 17点30分. */
const TIME = /^(\d{1,2})(?::(\d{2})(?::(\d{2}))?|[时点](?:(\d{1,2})分)?)$/;

/**
 * The ISO timestamp (+08:00) of a Beijing wall-clock time as people type it: “2024-05-24 23:59” (or with a T, or
 * seconds), “2024/5/24 17:00”, “2024.5.24 17:00”, “2024年5月24日17:00”, “2024年5月24日 17时30分”. Full-width digits,
 * colons and spaces (a Chinese input method) count as their plain forms. A date alone is that day at 23:59
 * (END_OF_DAY). undefined when it is none of these; whether the date and time exist (2 月 30 日, 25:00) is for the
 * caller's check of the ISO time (DeadlineInputSchema).
 */
export function fromBeijingInput(value: string): string | undefined {
  const d = DATE.exec(value.normalize('NFKC').trim());
  if (!d) return undefined;
  const [year, month, day] = [d[1]!, d[3] ?? d[5]!, d[4] ?? d[6]!];
  const t = TIME.exec((d[8] ?? END_OF_DAY).trim());
  if (!t) return undefined;
  const [hour, minute, second] = [t[1]!, t[2] ?? t[4] ?? '0', t[3] ?? '0'];
  return `${year}-${pad(Number(month))}-${pad(Number(day))}T${pad(Number(hour))}:${pad(Number(minute))}:${pad(Number(second))}+08:00`;
}
