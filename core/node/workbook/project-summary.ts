/**
 * 项目概况.xlsx in each project folder of the 观摩 pack: the 申报表 row (附件2 fields), the scores, the 55 answers
 * with their 佐证说明 and evidence files, and one row per evidence file with a link to it in the same folder.
 * Values only; small enough to build in memory (one project at a time).
 */
import ExcelJS from 'exceljs';
import type { Rubric } from '../../rubric';
import type { Project, Reporter } from '../../schema';
import { formatRate, type ProjectScore } from '../../score';
import { FIELD_LABELS } from '../../messages';

export interface SummaryFile {
  /** Name inside the project folder (A01-1_挂牌公示_1.jpg). */
  file: string;
  criterion: string;
  originalName: string;
  kindLabel: string;
  size: number;
  capturedAt?: string;
  by: string;
  at: string;
}

export interface ProjectSummaryInput {
  reporter: Reporter;
  project: Project;
  score: ProjectScore;
  state?: string;
  rank?: number;
  files: SummaryFile[];
}

const HEAD: Partial<ExcelJS.Style> = {
  font: { bold: true, color: { argb: 'FFFFFFFF' } },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC00000' } },
  alignment: { vertical: 'middle', horizontal: 'center', wrapText: true },
};

const beijing = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

function header(ws: ExcelJS.Worksheet, labels: string[], widths: number[]): void {
  ws.columns = labels.map((_, i) => ({ width: widths[i] ?? 14 }));
  const row = ws.addRow(labels);
  row.eachCell((c) => Object.assign(c, HEAD));
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

export async function projectSummaryWorkbook(input: ProjectSummaryInput, rubric: Rubric): Promise<Buffer> {
  const { project: p, reporter, score } = input;
  const wb = new ExcelJS.Workbook();
  wb.creator = '包头企业党建联盟 redsite';

  const info = wb.addWorksheet('项目概况');
  info.columns = [{ width: 18 }, { width: 70 }];
  const lines: Array<[string, string | number]> = [
    ...(input.rank ? [['观摩名次', input.rank] as [string, number]] : []),
    [FIELD_LABELS.unit, reporter.unit],
    [FIELD_LABELS.district, p.district],
    [FIELD_LABELS.seq, p.seq],
    [FIELD_LABELS.enterprise, p.enterprise],
    [FIELD_LABELS.projectName, p.projectName],
    [FIELD_LABELS.address, p.address],
    [FIELD_LABELS.scale, p.scale],
    [FIELD_LABELS.leader, p.leader],
    [FIELD_LABELS.phone, p.phone],
    ['开竣工日期', `${p.startDate}—${p.endDate}`],
    ...(p.remark ? [[FIELD_LABELS.remark, p.remark] as [string, string]] : []),
    ['得分', score.total],
    ['满分', score.max],
    ['得分率', formatRate(score.rate)],
    ['具备七有一好八规范', score.met ? '是' : '否'],
    ...score.sections.map((s) => [`${s.name}`, `${s.met ? '达标' : '未达标'}（${s.total} / ${s.max}）`] as [string, string]),
    ...(input.state ? [['审核状态', input.state] as [string, string]] : []),
    ['佐证文件', `${input.files.length} 个`],
  ];
  for (const [k, v] of lines) {
    const row = info.addRow([k, v]);
    row.getCell(1).font = { bold: true };
    row.alignment = { vertical: 'top', wrapText: true };
  }

  const byCriterion = new Map<string, SummaryFile[]>();
  for (const f of input.files) byCriterion.set(f.criterion, [...(byCriterion.get(f.criterion) ?? []), f]);
  const answers = wb.addWorksheet('细则自评');
  header(answers, ['编号', '版块', '分组', '具体细则', '自评', '佐证说明', '佐证文件'], [8, 10, 14, 50, 9, 30, 34]);
  for (const c of rubric.criteria) {
    const files = byCriterion.get(c.id) ?? [];
    const row = answers.addRow([c.id, c.sectionName, c.groupName, c.text, p.answers[c.id] ?? '未填', p.notes[c.id] ?? '', files.map((f) => f.file).join('\n')]);
    row.alignment = { vertical: 'top', wrapText: true };
  }

  const list = wb.addWorksheet('佐证文件');
  header(list, ['文件', '细则', '原文件名', '类型', '大小（KB）', '拍摄时间', '上传人', '上传时间'], [30, 8, 30, 16, 10, 20, 16, 20]);
  for (const f of input.files) {
    const row = list.addRow([{ text: f.file, hyperlink: f.file }, f.criterion, f.originalName, f.kindLabel, Math.ceil(f.size / 1024), f.capturedAt ?? '（无）', f.by, beijing(f.at)]);
    row.getCell(1).font = { color: { argb: 'FF0563C1' }, underline: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
