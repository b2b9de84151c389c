import fs from 'node:fs';
import path from 'node:path';
import { currentRubric, loadRubric, RubricError, rubricHash, rubricFileSchema, shippedRubric } from '../../core/rubric';

const notice = fs.readFileSync(path.join(__dirname, '../../templates/notice-2024-05-17.txt'), 'utf8');
const flatNotice = notice.replace(/\s+/g, '');
const rawFile = JSON.parse(fs.readFileSync(path.join(__dirname, '../../templates/rubric/2024.json'), 'utf8'));

describe('rubric 2024', () => {
  const rubric = currentRubric();

  test('3 版块, 17 groups, 55 criteria in the notice order', () => {
    expect(rubric.sections.map((s) => s.name)).toEqual(['七有', '发挥好作用', '八规范']);
    expect(rubric.groups).toHaveLength(17);
    expect(rubric.criteria).toHaveLength(55);
    expect(rubric.sections.map((s) => s.groups.map((g) => g.criteria.length))).toEqual([
      [3, 3, 3, 3, 3, 3, 3],
      [5, 5],
      [3, 3, 3, 3, 3, 3, 3, 3],
    ]);
    expect(rubric.groups.map((g) => g.name)).toEqual([
      '有组织', '有制度', '有教育', '有活动', '有服务', '有场所', '有标识',
      '党组织发挥作用好', '党员发挥作用好',
      '项目前期手续规范', '现场人员配备规范', '项目工资保障规范', '项目建设履约规范',
      '现场安全文明管理规范', '项目实体质量管理规范', '项目业务链合同管理规范', '项目经营管理和创新工作规范',
    ]);
  });

  test('stable IDs A01-1 … C08-3', () => {
    expect(rubric.criteria[0]!.id).toBe('A01-1');
    expect(rubric.criteria[20]!.id).toBe('A07-3');
    expect(rubric.criteria[21]!.id).toBe('B01-1');
    expect(rubric.criteria[30]!.id).toBe('B02-5');
    expect(rubric.criteria[31]!.id).toBe('C01-1');
    expect(rubric.criteria[54]!.id).toBe('C08-3');
    expect(new Set(rubric.criteria.map((c) => c.id)).size).toBe(55);
  });

  test('every criterion and group name appears in the notice (white space removed), in order', () => {
    let from = 0;
    for (const c of rubric.criteria) {
      const at = flatNotice.indexOf(c.text, from);
      expect({ id: c.id, found: at >= 0 }).toEqual({ id: c.id, found: true });
      from = at;
    }
    for (const g of rubric.groups) expect(flatNotice).toContain(g.name);
  });

  test('PDF line-break artefacts removed, printed wording kept', () => {
    for (const c of rubric.criteria) expect(c.text).not.toMatch(/\s/);
    expect(rubric.byId.get('C02-1')!.text).toContain('管理技术人员');
    expect(rubric.byId.get('A06-1')!.text).toContain('党员活动室或多功能活动室');
    expect(rubric.byId.get('B02-2')!.text).toContain('积极份子');
    expect(rubric.byId.get('A03-3')!.text).toContain('积极分子');
  });

  test('option values and rules', () => {
    expect(rubric.optionValue).toEqual({ 达到: 1, 部分达到: 0.5, 未达到: 0, 不适用: null });
    expect(rubric.sections.map((s) => s.rule)).toEqual(['all', 'any', 'all']);
    expect(rubric.edition).toBe('2024');
    expect(rubric.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the shipped rubric, read without zod and sha256, is exactly what loadRubric makes of its file', () => {
    // currentRubric() trusts the file and the hash recorded in core/rubric.ts (SHIPPED_2024): this keeps both honest.
    const checked = loadRubric(rawFile);
    if (shippedRubric.hash !== checked.hash) {
      throw new Error(`templates/rubric/2024.json changed: set SHIPPED_2024.hash in core/rubric.ts to '${checked.hash}'`);
    }
    expect(rubric).toEqual(checked);
    // The file as imported is the file zod accepts, unchanged (nothing trimmed, no unknown key dropped).
    expect(rubricFileSchema().parse(shippedRubric.raw)).toEqual(shippedRubric.raw);
    expect(rubricHash(rawFile)).toBe(shippedRubric.hash);
  });

  test('the hash changes when any scored text changes and not otherwise', () => {
    const same = loadRubric(structuredClone(rawFile));
    expect(same.hash).toBe(rubric.hash);
    const edited = structuredClone(rawFile);
    edited.sections[0].groups[0].criteria[0].text += '。';
    expect(loadRubric(edited).hash).not.toBe(rubric.hash);
    const retitled = structuredClone(rawFile);
    retitled.title = '另一个标题';
    expect(loadRubric(retitled).hash).toBe(rubric.hash);
  });
});

describe('loadRubric rejects bad files naming the entry', () => {
  const broken = (edit: (f: typeof rawFile) => void): string => {
    const f = structuredClone(rawFile);
    edit(f);
    try {
      loadRubric(f, 'test.json');
    } catch (e) {
      expect(e).toBeInstanceOf(RubricError);
      return (e as Error).message;
    }
    throw new Error('expected a RubricError');
  };

  test('duplicate ID', () => {
    const msg = broken((f) => (f.sections[0].groups[1].criteria[2].id = 'A02-2'));
    expect(msg).toContain('test.json有误');
    expect(msg).toContain('sections[0]（A）.groups[1]（A02）.criteria[2]');
    expect(msg).toContain('细则编号重复：A02-2');
  });

  test('ID out of sequence', () => {
    expect(broken((f) => (f.sections[2].groups[0].id = 'C09'))).toContain('分组编号应为 C01，实际为 C09');
  });

  test('empty text', () => {
    expect(broken((f) => (f.sections[1].groups[0].criteria[4].text = '  '))).toContain('criteria[4]（B01-5）.text：细则内容不能为空');
  });

  test('bad option value', () => {
    expect(broken((f) => (f.options[3].value = 0))).toContain('“不适用”的分值必须为 null');
    expect(broken((f) => (f.options[0].label = '很好'))).toContain('选项只能是：达到、部分达到、未达到、不适用');
  });

  test('unknown rule', () => {
    expect(broken((f) => (f.sections[0].rule = 'most'))).toContain('版块达标规则只能是');
  });
});
