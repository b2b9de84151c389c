/**
 * The rubric (附件1 “七有一好八规范” 细则) as data: validates a rubric file with zod, flattens it for fast lookups
 * and computes the content hash that every workbook and submission records.
 */
import * as z from 'zod';
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import rubric2024 from '../templates/rubric/2024.json';

/** The four answers of the self-assessment; values live in the rubric file, the labels are fixed. */
export const ANSWER_OPTIONS = ['达到', '部分达到', '未达到', '不适用'] as const;
export type AnswerOption = (typeof ANSWER_OPTIONS)[number];

/**
 * The schema of a rubric file, built when a file is first validated (loadRubric, the rubric's own test): the shipped
 * edition is not run through it at start (currentRubric), so a command such as `redsite score` does not build it.
 */
function buildRubricFileSchema() {
  const nonEmpty = (what: string) => z.string({ error: `${what}必须是文字` }).trim().min(1, { error: `${what}不能为空` });

  const CriterionSchema = z.object({
    id: z.string().regex(/^[A-Z]\d{2}-\d+$/, { error: '细则编号须形如 A01-1' }),
    text: nonEmpty('细则内容'),
  });

  const GroupSchema = z.object({
    id: z.string().regex(/^[A-Z]\d{2}$/, { error: '分组编号须形如 A01' }),
    name: nonEmpty('分组名称'),
    criteria: z.array(CriterionSchema).min(1, { error: '每个分组至少有一条细则' }),
  });

  const SectionSchema = z.object({
    id: z.string().regex(/^[A-Z]$/, { error: '版块编号须为一个大写字母' }),
    name: nonEmpty('版块名称'),
    /** all: every applicable item 达到; any: at least one item 达到. */
    rule: z.enum(['all', 'any'], { error: '版块达标规则只能是 all（全部适用项达到）或 any（至少一项达到）' }),
    groups: z.array(GroupSchema).min(1, { error: '每个版块至少有一个分组' }),
  });

  const OptionSchema = z.object({
    label: z.enum(ANSWER_OPTIONS, { error: `选项只能是：${ANSWER_OPTIONS.join('、')}` }),
    value: z.number().min(0).max(1).nullable(),
  });

  return z
    .object({
      edition: z.string().regex(/^\d{4}[A-Za-z0-9.-]*$/, { error: '版本号须以四位年份开头，如 2024' }),
      title: nonEmpty('细则标题'),
      source: z.object({
        issuer: nonEmpty('发文单位'),
        notice: nonEmpty('通知标题'),
        date: z.iso.date({ error: '发文日期须为 YYYY-MM-DD' }),
        deadline: z.iso.date({ error: '报送截止日期须为 YYYY-MM-DD' }),
        email: z.string(),
        contacts: z.array(z.object({ name: z.string(), phone: z.string() })),
      }),
      options: z.array(OptionSchema).length(ANSWER_OPTIONS.length, { error: '须恰好列出四个选项' }),
      sections: z.array(SectionSchema).min(1, { error: '至少需要一个版块' }),
    })
    .superRefine((file, ctx) => {
      const labels = new Set(file.options.map((o) => o.label));
      if (labels.size !== ANSWER_OPTIONS.length) ctx.addIssue({ code: 'custom', path: ['options'], message: '选项重复' });
      const na = file.options.find((o) => o.label === '不适用');
      if (na && na.value !== null) ctx.addIssue({ code: 'custom', path: ['options'], message: '“不适用”的分值必须为 null（不计入满分）' });
      for (const o of file.options) {
        if (o.label !== '不适用' && o.value === null) ctx.addIssue({ code: 'custom', path: ['options'], message: `“${o.label}”必须有分值` });
      }
      const seen = new Set<string>();
      file.sections.forEach((section, si) => {
        if (seen.has(section.id)) ctx.addIssue({ code: 'custom', path: ['sections', si, 'id'], message: `版块编号重复：${section.id}` });
        seen.add(section.id);
        section.groups.forEach((group, gi) => {
          const gPath = ['sections', si, 'groups', gi];
          const expectGroup = `${section.id}${String(gi + 1).padStart(2, '0')}`;
          if (group.id !== expectGroup) ctx.addIssue({ code: 'custom', path: [...gPath, 'id'], message: `分组编号应为 ${expectGroup}，实际为 ${group.id}` });
          group.criteria.forEach((c, ci) => {
            const expect = `${group.id}-${ci + 1}`;
            if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: [...gPath, 'criteria', ci, 'id'], message: `细则编号重复：${c.id}` });
            else if (c.id !== expect) ctx.addIssue({ code: 'custom', path: [...gPath, 'criteria', ci, 'id'], message: `细则编号应为 ${expect}，实际为 ${c.id}` });
            seen.add(c.id);
          });
        });
      });
    });
}

let fileSchema: ReturnType<typeof buildRubricFileSchema> | undefined;

/** The schema of a rubric file (zod): every entry's rules and the messages naming a bad one. */
export function rubricFileSchema(): ReturnType<typeof buildRubricFileSchema> {
  fileSchema ??= buildRubricFileSchema();
  return fileSchema;
}

export type RubricFile = z.infer<ReturnType<typeof buildRubricFileSchema>>;
export type Rule = RubricFile['sections'][number]['rule'];

export interface CriterionRef {
  id: string;
  text: string;
  /** 0-based position among all criteria, in the notice's order. */
  index: number;
  /** Position within its group, 1-based, as printed in the notice (1、2、3…). */
  number: number;
  groupId: string;
  groupName: string;
  sectionId: string;
  sectionName: string;
}

export interface GroupRef {
  id: string;
  name: string;
  sectionId: string;
  sectionName: string;
  rule: Rule;
  criteria: CriterionRef[];
}

export interface SectionRef {
  id: string;
  name: string;
  rule: Rule;
  groups: GroupRef[];
}

export interface Rubric {
  edition: string;
  /** sha256 (hex) of the canonical JSON of edition, options and sections: changes whenever any scored text does. */
  hash: string;
  title: string;
  source: RubricFile['source'];
  options: RubricFile['options'];
  sections: SectionRef[];
  groups: GroupRef[];
  criteria: CriterionRef[];
  /** value of each option; null = 不适用 (excluded from 满分). */
  optionValue: Record<AnswerOption, number | null>;
  byId: ReadonlyMap<string, CriterionRef>;
}

export class RubricError extends Error {
  constructor(
    message: string,
    readonly details: string[],
  ) {
    super(message);
    this.name = 'RubricError';
  }
}

/** Human path for an issue inside a rubric file: sections[0].groups[1].criteria[2].id, plus the entry's own ID. */
function describePath(raw: unknown, path: PropertyKey[]): string {
  let node: unknown = raw;
  let label = '';
  for (const key of path) {
    label += typeof key === 'number' ? `[${key}]` : `${label ? '.' : ''}${String(key)}`;
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (node && typeof node === 'object' && 'id' in node) label += `（${String((node as { id: unknown }).id)}）`;
  }
  return label || '(根)';
}

/** sha256 (hex) of a rubric file's canonical JSON: edition, options and sections (what scoring depends on). */
export function rubricHash(file: RubricFile): string {
  const canonical = JSON.stringify({ edition: file.edition, options: file.options, sections: file.sections });
  return bytesToHex(sha256(utf8ToBytes(canonical)));
}

/** Validates and flattens a rubric file; throws RubricError naming every bad entry. */
export function loadRubric(raw: unknown, sourceName = '评分细则文件'): Rubric {
  const parsed = rubricFileSchema().safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${describePath(raw, i.path)}：${i.message}`);
    throw new RubricError(`${sourceName}有误：\n${details.join('\n')}`, details);
  }
  return flatten(parsed.data, rubricHash(parsed.data));
}

/** A valid rubric file and its hash, laid out for lookups. */
function flatten(file: RubricFile, hash: string): Rubric {
  const criteria: CriterionRef[] = [];
  const groups: GroupRef[] = [];
  const sections: SectionRef[] = file.sections.map((s) => {
    const sectionGroups = s.groups.map((g) => {
      const group: GroupRef = { id: g.id, name: g.name, sectionId: s.id, sectionName: s.name, rule: s.rule, criteria: [] };
      g.criteria.forEach((c, i) => {
        const ref: CriterionRef = {
          id: c.id,
          text: c.text,
          index: criteria.length,
          number: i + 1,
          groupId: g.id,
          groupName: g.name,
          sectionId: s.id,
          sectionName: s.name,
        };
        criteria.push(ref);
        group.criteria.push(ref);
      });
      groups.push(group);
      return group;
    });
    return { id: s.id, name: s.name, rule: s.rule, groups: sectionGroups };
  });

  const optionValue = Object.fromEntries(file.options.map((o) => [o.label, o.value])) as Record<AnswerOption, number | null>;
  return {
    edition: file.edition,
    hash,
    title: file.title,
    source: file.source,
    options: file.options,
    sections,
    groups,
    criteria,
    optionValue,
    byId: new Map(criteria.map((c) => [c.id, c])),
  };
}

/** The rubric as plain JSON (IDs, texts, rules, hash): what `redsite rubric --json` and GET /api/v1/rubric return. */
export function rubricJson(rubric: Rubric) {
  return {
    edition: rubric.edition,
    hash: rubric.hash,
    title: rubric.title,
    source: rubric.source,
    options: rubric.options,
    sections: rubric.sections.map((s) => ({
      id: s.id,
      name: s.name,
      rule: s.rule,
      groups: s.groups.map((g) => ({ id: g.id, name: g.name, criteria: g.criteria.map((c) => ({ id: c.id, text: c.text })) })),
    })),
  };
}

/**
 * The edition this build ships (2024, from the 2024-05-17 notice) and its hash. The file is validated and its hash
 * computed by test/core/rubric.test.ts, which fails (naming the new hash) whenever the file changes and this line
 * does not: so `redsite score` and every worker start without running the file through zod and sha256 again
 * (~15 ms of a cold start).
 */
const SHIPPED_2024 = { file: rubric2024 as RubricFile, hash: '2aabdc38c645d595ccee97bf0ef12d01912f4ada3a54c47baaebfd934ce877dd' };

/** For the test that keeps SHIPPED_2024 honest: the shipped file as imported, and the hash recorded for it. */
export const shippedRubric = { raw: rubric2024 as unknown, hash: SHIPPED_2024.hash } as const;

let current: Rubric | undefined;

/** The edition this build ships (2024, from the 2024-05-17 notice). */
export function currentRubric(): Rubric {
  current ??= flatten(SHIPPED_2024.file, SHIPPED_2024.hash);
  return current;
}

/** Looks up a rubric by edition; only editions shipped with this build are known. */
export function rubricForEdition(edition: string): Rubric | undefined {
  const rubric = currentRubric();
  return rubric.edition === edition ? rubric : undefined;
}
