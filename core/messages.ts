/** Everything a user reads about a field: Chinese labels and reusable message texts of the domain. */
import { DISTRICTS, districtGuess } from './districts';
import { ANSWER_OPTIONS } from './rubric';
import { excerpt } from './text';
import type { NumericMonth } from './dates';

export const FIELD_LABELS = {
  unit: '填报单位',
  district: '所属旗县区',
  contact: '联系人',
  phone: '联系电话',
  date: '填报日期',
  seq: '序号',
  enterprise: '企业名称',
  projectName: '项目名称',
  address: '项目地址',
  scale: '建设规模',
  leader: '负责人',
  startDate: '开工日期',
  endDate: '竣工日期',
  remark: '备注',
  answers: '细则自评',
  notes: '佐证说明',
  submissionId: '提交编号',
  rubric: '评分细则版本',
  projects: '项目',
} as const;

export type FieldName = keyof typeof FIELD_LABELS;

export const MSG = {
  required: (label: string) => `请填写${label}`,
  tooLong: (label: string, max: number) => `${label}不能超过 ${max} 个字`,
  phone: (label: string) => `${label}格式不正确：请填写 11 位手机号（如 13912345678）或固定电话（如 0472-7100945，分机可写 0472-7100945-801）`,
  phoneNotText: (label: string) => `${label}被存成了数字，已按文字读取；请把该单元格设为“文本”格式以免丢失开头的 0`,
  date: (label: string) => `${label}格式不正确：请按 2024-05-17 的格式填写`,
  dateMonth: (label: string, text: string, day: string) => `${label}“${excerpt(text, 20)}”只写到了月份：请填写到日，如 ${day}（按 2024-05-17 的格式）`,
  dateSpan: (label: string, text: string, start: string, end: string) =>
    `${label}一格只填一个日期，“${excerpt(text, 30)}”是一段时间：请把开工日期、竣工日期分别填在两列，如 ${start}、${end}`,
  dateNumber: (label: string, n: NumericMonth) =>
    `${label}“${n.text}”被 Excel 存成了数字，不是日期（日期格式的单元格会显示为 ${n.shown}${n.days.length > 1 ? `；输入 ${n.year}.10 也会存成 ${n.text}` : ''}）：` +
    `请填写到日，如 ${n.days.join(' 或 ')}（按 2024-05-17 的格式）`,
  dateYear: (label: string, year: number, shown: string) =>
    `${label}只写了年份“${year}”，被 Excel 存成了数字，不是日期（日期格式的单元格会显示为 ${shown}）：请填写到日，如 ${year}-05-17（按 2024-05-17 的格式）`,
  year: (label: string, min: number, max: number) => `${label}的年份须在 ${min} 年至 ${max} 年之间`,
  dateOrder: '开工日期不能晚于竣工日期',
  district: (label: string) => `${label}须从下拉列表中选择：${DISTRICTS.join('、')}`,
  /** A 旗县区 written where there is no drop-down (a roster file, --district, a URL): the names to write instead. */
  unknownDistrict: (value: unknown, label = '旗县区') => {
    const guess = districtGuess(value);
    return `${label}“${excerpt(value, 20)}”不是包头市的旗县区名称：请写以下之一：${DISTRICTS.join('、')}${guess ? `（是不是“${guess}”？）` : ''}`;
  },
  option: (value: string) => `“${excerpt(value, 20)}”不是有效选项，请从下拉列表选择：${ANSWER_OPTIONS.join('、')}`,
  criterion: (id: string, edition: string) => `细则编号 ${excerpt(id, 20)} 不在 ${edition} 版评分细则中`,
  seq: '序号须为正整数',
  noProjects: '至少需要填写一个项目',
  tooManyProjects: (max: number) => `一个工作簿最多填报 ${max} 个项目`,
  duplicateSeq: (seq: number) => `序号 ${seq} 重复`,
  submissionId: '提交编号缺失或无效：请使用系统生成的申报工作簿',
  edition: (edition: string) => `评分细则版本 ${excerpt(edition, 20)} 无法识别：请使用联盟下发的最新申报工作簿`,
  hash: (edition: string) => `评分细则（${edition} 版）的内容与系统不一致：请重新下载申报工作簿后再填写`,
} as const;

/**
 * Fields an issue can name besides the Submission's own (FIELD_LABELS): places and things of a file, the server and
 * the other lists. Every field value the code emits has a label here or in FIELD_LABELS (test/core/field-labels.test.ts).
 */
export const OTHER_FIELD_LABELS = {
  '': '申报内容',
  schema: '数据格式',
  source: '提交来源',
  submission: '申报内容',
  reporter: '填报信息',
  project: '项目',
  'rubric.edition': '评分细则版本',
  'rubric.hash': '评分细则内容',
  /** A cell of the workbook whose field is not known (issues stored before fields were named). */
  cell: '单元格',
  file: '文件',
  files: '佐证文件',
  names: '工作簿名称',
  rs_ids: '细则编号',
  period: '开竣工日期',
  situation: '项目情况',
  roster: '报送名单',
  'server.busy': '服务器繁忙',
  'issues.more': '其他问题',
} as const;

const known = (k: string | undefined): string | undefined =>
  k === undefined ? undefined : Object.hasOwn(FIELD_LABELS, k) ? FIELD_LABELS[k as FieldName] : Object.hasOwn(OTHER_FIELD_LABELS, k) ? OTHER_FIELD_LABELS[k as keyof typeof OTHER_FIELD_LABELS] : undefined;

/**
 * “项目 2 · 联系电话”, “细则自评 A01-2”, “文件”: the field of an issue (its machine path) in words. Only a criterion
 * ID (or an unknown one a JSON submission named) is shown as written; a key without a label reads as “—”, never as
 * the machine word.
 */
export function fieldLabel(field: string): string {
  const whole = known(field);
  if (whole !== undefined) return whole;
  const parts = field.split('.');
  const criterion = (kind: string | undefined, id: string | undefined) => `${known(kind)} ${id ?? ''}`.trim();
  if (parts[0] === 'projects' && /^\d+$/.test(parts[1] ?? '')) {
    const what = parts[2] === 'answers' || parts[2] === 'notes' ? criterion(parts[2], parts[3]) : known(parts[2]) ?? '';
    return `项目 ${Number(parts[1]) + 1}${what ? ` · ${what}` : ''}`;
  }
  if (parts[0] === 'answers' || parts[0] === 'notes') return criterion(parts[0], parts[1]);
  if (parts[0] === 'reporter') return known(parts[1]) ?? known('reporter')!;
  return known(parts[0]) ?? '—';
}

/**
 * An issue's field in words, naming its project the way its message does. A project's issues are about the list of
 * filled projects (projects.0 is the first FILLED row), while the message names the project by its 序号 as the user
 * sees it in the sheet (core/issues.ts contextOf: “项目 2：…”, blankAnswerIssues: “第 2 个项目…”). When a row is left
 * blank the two differ; the 序号 is what the user finds in column A, so the label takes it from the message.
 */
export function issueFieldLabel(issue: { field: string; message: string }): string {
  const label = fieldLabel(issue.field);
  if (!/^项目 \d+/.test(label)) return label;
  const named = /^项目 ([^：·\s]+)(?: · [^：]*)?：/.exec(issue.message)?.[1] ?? /^第 (\S+) 个项目/.exec(issue.message)?.[1];
  return named ? label.replace(/^项目 \d+/, `项目 ${named}`) : label;
}
