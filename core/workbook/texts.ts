/** What the workbook says to the people filling it in (Chinese), in one place. */
import type { Rubric, Rule } from '../rubric';
import { chineseCount } from '../text';
import { DISTRICTS } from '../districts';

export interface GuideLine {
  text: string;
  strong?: boolean;
  size?: number;
}

function cnDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** “七有”“八规范”: the sections whose groups are 达标 by this rule, in rubric order. */
const sectionNames = (rubric: Rubric, rule: Rule) => rubric.sections.filter((s) => s.rule === rule).map((s) => `“${s.name}”`).join('');

export const GUIDE_LINES = (rubric: Rubric, projects: number): GuideLine[] => [
  { text: '“红色工地”创建申报工作簿', strong: true, size: 16 },
  { text: `依据：${rubric.source.issuer}《${rubric.source.notice}》（${cnDate(rubric.source.date)}），评分细则 ${rubric.edition} 版。` },
  { text: `报送截止：${cnDate(rubric.source.deadline)}前；邮箱 ${rubric.source.email}，或通过“红色工地”加载项／服务器直接提交。` },
  { text: `咨询电话：${rubric.source.contacts.map((c) => `${c.name} ${c.phone}`).join('；')}。` },
  { text: '' },
  { text: '填写步骤', strong: true },
  { text: `1. 在《申报表》第 3 行填写填报单位、所属旗县区（下拉选择：${DISTRICTS.join('、')}）、联系人、联系电话、填报日期。` },
  { text: `2. 在《申报表》中每个项目填一行（本工作簿最多 ${projects} 个项目），列与附件2《申报表回执》一致：序号、企业名称、项目情况（项目名称、项目地址、建设规模）、负责人、联系电话、开竣工日期（开工日期、竣工日期），另选项目所在旗县区。` },
  { text: `3. 在《细则自评》中对照 ${rubric.criteria.length} 条“七有一好八规范”细则，为每个项目逐条下拉选择：达到、部分达到、未达到、不适用。每一列对应《申报表》的同一序号项目，列标题会自动显示项目名称。` },
  { text: '4. 在《佐证说明》中的相同位置简要写明佐证材料（如制度名称、照片编号、证书编号）。' },
  { text: '5. 《得分汇总》自动计算每个项目的得分、满分、得分率、完成度以及各版块、各分组是否达标，无需手工填写。' },
  { text: '' },
  { text: '计分规则', strong: true },
  { text: '达到 = 1 分，部分达到 = 0.5 分，未达到 = 0 分，不适用 = 不计入满分；空白视为未填（计入满分、不得分）。' },
  { text: `得分率 = 得分 ÷ 满分；完成度 = 已填条数 ÷ ${rubric.criteria.length}。` },
  { text: `${sectionNames(rubric, 'all')}：每组全部适用条目均为“达到”即该组达标（整组均不适用不算达标）；${sectionNames(rubric, 'any')}：每组至少一条“达到”即达标。${chineseCount(rubric.sections.length)}个版块全部达标即“具备七有一好八规范”。` },
  { text: '' },
  { text: '注意事项', strong: true },
  { text: '• 联系电话按文字保存，请保留区号开头的 0（如 0472-7100945）；日期请按 2024-05-17 的格式填写。' },
  { text: '• 请勿修改工作表名称、删除行列或粘贴公式；带底色的单元格可以填写，其余单元格已保护（无密码）。' },
  { text: '• 没有安装加载项也可以在 Excel、WPS、LibreOffice 中填写本工作簿，分数会自动计算。' },
];

export const SHEET_HINTS = {
  form: (rubric: Rubric) =>
    `请在浅黄色单元格中填写；每个项目一行。报送截止 ${cnDate(rubric.source.deadline)}。联系电话保留开头的 0，日期格式 2024-05-17。`,
  answers: '每个项目一列（与《申报表》序号对应），逐条下拉选择：达到／部分达到／未达到／不适用。绿色=达到，黄色=部分达到，红色=未达到，灰色=未填。',
  notes: '与《细则自评》相同位置填写佐证材料说明，可留空。',
  summary: '本表全部由公式自动计算，请勿手工修改。',
};
