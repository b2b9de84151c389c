/** The deadline as typed (dashboard form, `serve --deadline`, REDSITE_DEADLINE): Beijing time, checked by one schema. */
import { DeadlineInputSchema, DEADLINE_INPUT_MSG } from '../../server/model';
import { zodMessage } from '../../server/errors';

test('Beijing wall-clock time in the dashboard format; an ISO time keeps its offset; anything else gets the format', () => {
  expect(DeadlineInputSchema.parse('2024-06-01 18:00')).toBe('2024-06-01T18:00:00+08:00');
  expect(DeadlineInputSchema.parse(' 2024-06-01T18:00:30 ')).toBe('2024-06-01T18:00:30+08:00');
  expect(DeadlineInputSchema.parse('2024-06-01T10:00:00Z')).toBe('2024-06-01T10:00:00Z');
  expect(DeadlineInputSchema.parse('2024-06-01T18:00:00+08:00')).toBe('2024-06-01T18:00:00+08:00');
  // As people in China write it; a date alone is the end of that day.
  expect(DeadlineInputSchema.parse('2024/6/1 18:00')).toBe('2024-06-01T18:00:00+08:00');
  expect(DeadlineInputSchema.parse('2024年6月1日18:00')).toBe('2024-06-01T18:00:00+08:00');
  expect(DeadlineInputSchema.parse('2024-06-01')).toBe('2024-06-01T23:59:00+08:00');
  expect(DeadlineInputSchema.parse('2024-02-29')).toBe('2024-02-29T23:59:00+08:00');
  for (const bad of ['abc', '', '2024-02-30 18:00', '2023年2月29日', '2024-13-01 10:00', '2024/6/1 24:00', '2024/6/1 18:60', '6月1日', '2024-06-01T18:00:00+25:00']) {
    const r = DeadlineInputSchema.safeParse(bad);
    expect([bad, r.success]).toEqual([bad, false]);
    if (!r.success) expect(zodMessage(r.error)).toBe(DEADLINE_INPUT_MSG);
  }
});
