/** A1 addresses: letters ↔ numbers at the edges (Z/AA, XFD), cells with $ and either case, ranges with quoted sheets. */
import { absRef, colLetter, colNumber, formatCell, inRange, MAX_COL, normalizeCell, parseCell, parseRange, quoteSheet } from '../../../core/ooxml/address';

test('column letters and numbers are inverse up to XFD', () => {
  expect([1, 26, 27, 52, 53, 702, 703, MAX_COL].map(colLetter)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA', 'XFD']);
  for (let n = 1; n <= MAX_COL; n++) expect(colNumber(colLetter(n))).toBe(n);
  expect(colNumber('xfd')).toBe(MAX_COL);
  expect(colLetter(0)).toBe('');
});

test('cells: $ and lower case accepted, ranges and out-of-sheet cells refused', () => {
  expect(parseCell('B7')).toEqual({ col: 2, row: 7 });
  expect(parseCell('$b$7')).toEqual({ col: 2, row: 7 });
  expect(parseCell('XFD1048576')).toEqual({ col: 16384, row: 1048576 });
  for (const bad of ['XFE1', 'A0', 'A1048577', 'A1:B2', '7B', '', 'AAAA1', '申报表!A1']) expect(parseCell(bad)).toBeUndefined();
  expect(normalizeCell('$e$07')).toBe('E7');
  expect(normalizeCell('A1:B2')).toBeUndefined();
  expect(formatCell(28, 3)).toBe('AB3');
});

test('ranges with their sheet, quoted or not', () => {
  expect(parseRange("'细则自评'!$E$4:$N$58")).toEqual({ sheet: '细则自评', top: 4, left: 5, bottom: 58, right: 14 });
  expect(parseRange('申报表!B3')).toEqual({ sheet: '申报表', top: 3, left: 2, bottom: 3, right: 2 });
  expect(parseRange("'单位''自加'!A1:B2")?.sheet).toBe("单位'自加");
  expect(parseRange('B3')).toBeUndefined();
  expect(parseRange('#REF!')).toBeUndefined();
});

test('quoting, absolute references and containment', () => {
  expect(quoteSheet("单位'自加")).toBe("'单位''自加'");
  expect(absRef('细则自评', 'E4', 'N58')).toBe("'细则自评'!$E$4:$N$58");
  expect(absRef('申报表', 'B3')).toBe("'申报表'!$B$3");
  const [a, b] = [parseCell('B2')!, parseCell('C3')!];
  expect(inRange(parseCell('C3')!, a, b)).toBe(true);
  expect(inRange(parseCell('D3')!, a, b)).toBe(false);
});
