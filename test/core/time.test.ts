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

test('the ways a deadline is typed in China: slashes, dots, 年月日, 时/点, one-digit parts, full-width characters', () => {
  const at1700 = '2024-05-24T17:00:00+08:00';
  for (const typed of ['2024/5/24 17:00', '2024/05/24 17:00', '2024.5.24 17:00', '2024-5-24 17:00', '2024年5月24日17:00', '2024年5月24日 17:00',
    '2024年5月24号17:00', '2024年5月24 17:00', '2024年5月24日17时', '2024年5月24日17点', '2024年5月24日17时0分', '２０２４年５月２４日１７：００', '2024/5/24\u300017:00', '2024-05-24 17:00:00']) {
    expect([typed, fromBeijingInput(typed)]).toEqual([typed, at1700]);
  }
  expect(fromBeijingInput('2024年5月24日17点30分')).toBe('2024-05-24T17:30:00+08:00');
  expect(fromBeijingInput('2024-05-24 9:05')).toBe('2024-05-24T09:05:00+08:00');
  // A date alone is the end of that day.
  for (const typed of ['2024-05-24', '2024/5/24', '2024.5.24', '2024年5月24日', '2024年5月24号']) expect([typed, fromBeijingInput(typed)]).toEqual([typed, '2024-05-24T23:59:00+08:00']);
  // Mixed separators, a time run into the date, a time without minutes after a colon form, words: not a time.
  for (const typed of ['2024-5/24 17:00', '2024-05-2417:00', '2024年5月2417:00', '2024/5/24 17', '2024/5/24 下午5点', '5/24/2024 17:00', '2024-05-24T', '2024年5月', '24/5/2024']) {
    expect([typed, fromBeijingInput(typed)]).toEqual([typed, undefined]);
  }
});
