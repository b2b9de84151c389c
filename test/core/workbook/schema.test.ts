/**
 * Every kind of workbook redsite writes is valid SpreadsheetML: workbook.xml, every worksheet, styles.xml and
 * sharedStrings.xml, validated with xmllint against the ISO/IEC 29500 transitional schema (test/schemas/ooxml, see
 * SOURCE.md there) after the markup-compatibility processing Excel applies to content it does not know.
 */
import { strFromU8, strToU8, zipSync } from 'fflate';
import { generatedWorkbooks, type Generated } from '../../helpers/generated';
import { processMarkupCompatibility, schemaErrors, setAsideTextSpace, smlParts } from '../../helpers/ooxml';


let generated: Generated[];

beforeAll(async () => {
  generated = await generatedWorkbooks();
});

test('markup compatibility: ignorable content dropped, ProcessContent unwrapped, AlternateContent resolved, unknown namespaces kept', () => {
  const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const input = `<worksheet xmlns="${main}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:x14ac="urn:x14ac" xmlns:w="urn:wrap" xmlns:z="urn:unknown" mc:Ignorable="x14ac w" mc:ProcessContent="w:box">`
    + `<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><x14ac:gone><row/></x14ac:gone><w:box><sheetData/></w:box>`
    + `<mc:AlternateContent><mc:Choice Requires="x14ac"><x14ac:new/></mc:Choice><mc:Fallback><pageMargins left="1"/></mc:Fallback></mc:AlternateContent>`
    + `<z:kept z:attr="1"/></worksheet>`;
  const out = processMarkupCompatibility(input);
  expect(out).not.toMatch(/dyDescent|gone|w:box|x14ac:new|AlternateContent|mc:Ignorable|mc:ProcessContent/);
  expect(out).toContain('<sheetFormatPr defaultRowHeight="15"/><sheetData/><pageMargins left="1"/><z:kept z:attr="1"/>');
  // A Choice whose namespaces are understood wins over the Fallback.
  const chosen = processMarkupCompatibility(`<a xmlns="${main}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:s="${main}"><mc:AlternateContent><mc:Choice Requires="s"><b/></mc:Choice><mc:Fallback><c/></mc:Fallback></mc:AlternateContent></a>`);
  expect(chosen).toMatch(/<b\/>/);
  expect(chosen).not.toMatch(/<c\/>/);
});

test("xml:space is set aside on SpreadsheetML's <t> only (Excel's documented use, [MS-OI29500] 2.1.678)", () => {
  const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const out = setAsideTextSpace(`<sst xmlns="${main}" xmlns:o="urn:other"><si><t xml:space="preserve"> a\nb</t></si><si><r><t xml:space="preserve">c </t></r></si><o:t xml:space="preserve">d</o:t><si xml:space="preserve"><t>e</t></si></sst>`);
  expect(out).toBe(`<sst xmlns="${main}" xmlns:o="urn:other"><si><t> a\nb</t></si><si><r><t>c </t></r></si><o:t xml:space="preserve">d</o:t><si xml:space="preserve"><t>e</t></si></sst>`);
  // The filled-from-JSON workbook carries such text (a note with a line break), so the allowance is in use.
  const filled = smlParts(generated.find((g) => g.kind === '按 JSON 填好的工作簿')!.bytes);
  expect(strFromU8(filled.parts[filled.sharedStrings!]!)).toContain('<t xml:space="preserve">照片两张\n见附件</t>');
});

test('the validator rejects what the schema forbids (so a pass means something)', async () => {
  const g = generated.find((x) => x.kind === '模板（3 个项目）')!;
  const sml = smlParts(g.bytes);
  const parts = { ...sml.parts };
  const edit = (sheet: string, change: (xml: string) => string) => {
    const part = sml.sheets.get(sheet)!;
    const before = strFromU8(parts[part]!);
    parts[part] = strToU8(change(before));
    expect(strFromU8(parts[part]!)).not.toBe(before);
    return part;
  };
  // A dataValidation without its required sqref; an element out of CT_Worksheet's order; an unknown attribute that no
  // mc:Ignorable covers.
  const form = edit('申报表', (x) => x.replace(/(<dataValidation [^>]*?) sqref="[^"]*"/, '$1'));
  const answers = edit('细则自评', (x) => x.replace('<sheetData>', '<pageMargins left="1" right="1" top="1" bottom="1" header="0" footer="0"/><sheetData>'));
  const notes = edit('佐证说明', (x) => x.replace('<row ', '<row xmlns:z="urn:unknown" z:height="1" '));
  const errors = await schemaErrors(zipSync(parts));
  expect(errors.some((e) => e.startsWith(form) && /sqref/.test(e))).toBe(true);
  expect(errors.some((e) => e.startsWith(answers) && /pageMargins/.test(e))).toBe(true);
  expect(errors.some((e) => e.startsWith(notes) && /urn:unknown/.test(e))).toBe(true);
  expect(errors.filter((e) => / fails to validate$/.test(e))).toHaveLength(3);
});

test('workbook, worksheets, styles and shared strings of every kind validate against the SpreadsheetML schema', async () => {
  expect(generated).toHaveLength(11);
  for (const g of generated) {
    const sml = smlParts(g.bytes);
    expect(sml.sheets.size).toBeGreaterThan(0);
    expect(sml.styles).toBeDefined();
    expect({ kind: g.kind, errors: await schemaErrors(g.bytes) }).toEqual({ kind: g.kind, errors: [] });
  }
});
