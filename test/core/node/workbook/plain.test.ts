import ExcelJS from 'exceljs';
import { parseWorkbook } from '../../../../core/node/workbook/parse';
import { parsePlainCsv } from '../../../../core/node/workbook/csv';
import { splitPeriod, splitSituation } from '../../../../core/node/workbook/plain';

async function xlsx(build: (ws: ExcelJS.Worksheet) => void, sheetName = 'Sheet1'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb.addWorksheet(sheetName));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('plain 附件2 tables', () => {
  test('the 回执 retyped with merged two-level headers, full-width spaces and a district column', async () => {
    const file = await xlsx((ws) => {
      ws.getCell('A1').value = '“七有一好八规范”红色工地创建申报表回执';
      ws.addRow([]);
      ws.getRow(3).values = ['序 号', '企业名称', '项目情况（包括地址、建设规模等）', '', '', '负责人', '联系电话', '开竣工日期', '', '旗县区'];
      ws.getRow(4).values = ['', '', '项目名称', '项目地址', '建设规模', '', '', '开工日期', '竣工日期', ''];
      ws.mergeCells('C3:E3');
      ws.mergeCells('H3:I3');
      ws.mergeCells('A3:A4');
      ws.getRow(5).values = [1, '　包钢建设　', '白云矿区职工公寓', '白云鄂博矿区通阳道', '1.5万平方米', '孙强', 4725123456, new Date(Date.UTC(2023, 2, 1)), '2024年12月31日', '白云区'];
      ws.getRow(6).values = [2, '', '', '', '', '', '', '', '', ''];
    });
    const r = await parseWorkbook(file, { fileName: '回执.xlsx' });
    expect(r.kind).toBe('plain');
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.submission!.projects).toEqual([
      expect.objectContaining({ seq: 1, enterprise: '包钢建设', projectName: '白云矿区职工公寓', address: '白云鄂博矿区通阳道', scale: '1.5万平方米', leader: '孙强', phone: '04725123456', startDate: '2023-03-01', endDate: '2024-12-31', district: '白云鄂博矿区', answers: {} }),
    ]);
    expect(r.submission!.source).toBe('import');
    expect(r.scores[0]).toMatchObject({ completion: 0, total: 0 });
    expect(r.issues.some((i) => i.severity === 'warning' && i.message.includes('未自评'))).toBe(true);
  });

  test('several tables on one sheet; district from the file name; the same unit gives the same submission ID', async () => {
    const header = ['序号', '企业名称', '项目情况（包括地址、建设规模等）', '负责人', '联系电话', '开竣工日期'];
    const build = (ws: ExcelJS.Worksheet) => {
      ws.addRow(header);
      ws.addRow([1, '九原建工', '九原区体育馆；地址：九原区建华南路；规模：3万平方米', '钱一', '13912345678', '2023.4—2025.10']);
      ws.addRow([]);
      ws.addRow(['第二批']);
      ws.addRow(header);
      ws.addRow([1, '九原建工', '九原区学校改扩建，九原区沙河镇，4栋教学楼', '钱二', '0472-7100945', '2024-01-01至2024-12-31']);
    };
    const r = await parseWorkbook(await xlsx(build), { fileName: '九原区-附件2.xlsx' });
    expect(r.submission!.projects.map((p) => [p.seq, p.projectName, p.address, p.scale, p.startDate, p.endDate, p.district])).toEqual([
      [1, '九原区体育馆', '九原区建华南路', '3万平方米', '2023-04-01', '2025-10-31', '九原区'],
      [2, '九原区学校改扩建', '九原区沙河镇', '4栋教学楼', '2024-01-01', '2024-12-31', '九原区'],
    ]);
    expect(r.issues.filter((i) => i.message.includes('只写到月份'))).toHaveLength(1);
    const again = await parseWorkbook(await xlsx(build), { fileName: '九原区-附件2.xlsx' });
    expect(again.submission!.submissionId).toBe(r.submission!.submissionId);
  });

  test('a 开工日期 cell holding the number 2024.1 (typed so, or 2024.10 without its 0): read as January, and the warning says both', async () => {
    const file = await xlsx((ws) => {
      ws.addRow(['序号', '企业名称', '项目名称', '项目地址', '建设规模', '负责人', '联系电话', '开工日期', '竣工日期', '旗县区']);
      ws.addRow([1, '九原建工', '九原区体育馆', '九原区建华南路', '3万平方米', '钱一', '13912345678', 2024.1, '2025-06-30', '九原区']);
      ws.addRow([2, '九原建工', '九原区图书馆', '九原区建华南路', '1万平方米', '钱二', '13912345679', 2024.3, '2025-06-30', '九原区']);
    });
    const r = await parseWorkbook(file, { fileName: '附件2.xlsx' });
    expect(r.submission!.projects.map((p) => p.startDate)).toEqual(['2024-01-01', '2024-03-01']);
    expect(r.issues.filter((i) => i.message.includes('只写到月份')).map((i) => [i.cell, i.message])).toEqual([
      ['H2', '开竣工日期只写到月份，已按当月第一天（开工）和最后一天（竣工）读取，请核对：“2024.1”按 1 月读取；如果原来写的是 2024.10（10 月），Excel 存成数字时会去掉末尾的 0'],
      ['H3', '开竣工日期只写到月份，已按当月第一天（开工）和最后一天（竣工）读取，请核对'],
    ]);
  });

  test('no district anywhere: the error says how to fix it', () => {
    const r = parsePlainCsv('序号,企业名称,项目情况,负责人,联系电话,开竣工日期\n1,某公司,某项目；地址：某路；规模：1万平方米,甲,13912345678,2024-01-01—2024-12-31\n', { fileName: 'x.csv' })!;
    expect(r.submission).toBeUndefined();
    expect(r.issues.filter((i) => i.severity === 'error').map((i) => i.message)).toContain('项目 1：无法确定项目所在旗县区：请在表中增加“旗县区”列，或导入时指定旗县区');
    const fixed = parsePlainCsv('序号,企业名称,项目情况,负责人,联系电话,开竣工日期\n1,某公司,某项目；地址：某路；规模：1万平方米,甲,13912345678,2024-01-01—2024-12-31\n', { fileName: 'x.csv', district: '固阳县' })!;
    expect(fixed.submission!.projects[0]!.district).toBe('固阳县');
  });

  test('a workbook without 附件2 headers is refused', async () => {
    const r = await parseWorkbook(await xlsx((ws) => ws.addRow(['姓名', '年龄'])));
    expect(r.kind).toBe('rejected');
    expect(r.issues[0]!.message).toContain('没有找到附件2《申报表回执》的表头');
  });

  test.each([
    ['2023.4.1—2025.10.31', '2023-04-01', '2025-10-31', false],
    ['2023年4月-2025年10月', '2023-04-01', '2025-10-31', true],
    ['2023-04-01至2025-10-31', '2023-04-01', '2025-10-31', false],
    ['2024/2—2024/2', '2024-02-01', '2024-02-29', true],
  ])('splitPeriod %s', (text, start, end, approximate) => {
    expect(splitPeriod(text)).toEqual({ start, end, approximate });
  });

  test('splitSituation', () => {
    expect(splitSituation('项目名称：A楼；项目地址：青山区X路；建设规模：2万平方米')).toEqual({ projectName: 'A楼', address: '青山区X路', scale: '2万平方米', complete: true });
    expect(splitSituation('只写了名称').complete).toBe(false);
  });
});
