/** Beijing time for every view and export, whatever the machine's time zone. */
import { beijingTime, fromBeijingInput } from '../../core/time';

test('UTC instants read as Beijing wall-clock time, across the date line', () => {
  expect(beijingTime('2026-11-28T04:58:28.973Z')).toBe('2026-11-28 12:58');
  expect(beijingTime('2024-05-24T16:30:00Z', { seconds: true })).toBe('2024-05-25 00:30:00');
  expect(beijingTime('2024-05-24T23:59:00+08:00')).toBe('2024-05-24 23:59');
  expect(beijingTime(undefined)).toBe('');
  expect(beijingTime('不是时间')).toBe('');
});

test('a typed Beijing time becomes an ISO timestamp with +08:00, and reads back the same', () => {
  expect(fromBeijingInput('2024-06-10 18:00')).toBe('2024-06-10T18:00:00+08:00');
  expect(fromBeijingInput('2024-06-10T18:00:30')).toBe('2024-06-10T18:00:30+08:00');
  expect(beijingTime(fromBeijingInput('2024-06-10 18:00'))).toBe('2024-06-10 18:00');
  expect(fromBeijingInput('6月10日')).toBeUndefined();
});
