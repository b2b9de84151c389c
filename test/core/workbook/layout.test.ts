/**
 * Row heights of wrapped text (core/workbook/layout.ts) count characters by code, not by a regular expression per
 * character: every UTF-16 code unit, every character outside the BMP and lone surrogates are measured exactly as the
 * rule says (CJK, full-width and Chinese punctuation two units, everything else one), and lines follow.
 */
import { displayWidth, rowHeight, wrappedLines } from '../../../core/workbook/layout';

/** The rule as written: each character (code point) that falls in these ranges takes two units. */
const WIDE = /[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f\u201c\u201d\u2018\u2019\u2026\u2014]/;
const byRule = (text: string) => [...text].reduce((w, ch) => w + (WIDE.test(ch) ? 2 : 1), 0);

test('every BMP character has the width the rule gives it', () => {
  const wrong: string[] = [];
  for (let c = 0; c <= 0xffff; c++) {
    const ch = String.fromCharCode(c);
    if (displayWidth(ch) !== byRule(ch)) wrong.push(c.toString(16));
  }
  expect(wrong).toEqual([]);
  const all = Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c)).join('');
  expect(displayWidth(all)).toBe(byRule(all));
});

test('surrogate pairs count once, lone surrogates count as one character each', () => {
  for (const text of ['😀', '😀表情', 'a😀b', '\ud83d', '\ude00', '\ude00\ud83d', '表\ud83d', '\ud83d表', '𠀀字', '\ud83d\ud83d\ude00']) {
    expect(displayWidth(text)).toBe(byRule(text));
  }
  expect(displayWidth('😀')).toBe(1);
  expect(displayWidth('中文“引号”—…')).toBe(16);
  expect(displayWidth('')).toBe(0);
});

test('lines: wrapping by width and explicit breaks; heights from the longest cell', () => {
  // width 10 → 9 × 1.1 = 9 units per line.
  expect(wrappedLines('', 10)).toBe(1);
  expect(wrappedLines('123456789', 10)).toBe(1);
  expect(wrappedLines('1234567890', 10)).toBe(2);
  expect(wrappedLines('包头市青山区', 10)).toBe(2);
  expect(wrappedLines('两行\n第二行', 10)).toBe(2);
  expect(wrappedLines('a\n\nb', 10)).toBe(3);
  expect(wrappedLines('包头市青山区建设路\n1', 10)).toBe(3);
  expect(rowHeight(['a', '包头市青山区', null, ''], [10, 10, 10, 10])).toBe(Math.ceil(2 * 11 * 1.35 + 4));
  expect(rowHeight([], [])).toBe(Math.ceil(11 * 1.35 + 4));
});
