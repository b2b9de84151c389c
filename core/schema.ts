/**
 * zod schemas of the canonical Submission (docs/architecture.md) and its parts, with Chinese messages that name the field.
 * Types are inferred from these schemas and never written twice.
 */
import * as z from 'zod';
import { ANSWER_OPTIONS, type Rubric } from './rubric';
import { normalizeDistrict } from './districts';
import { cleanText, toHalfWidth } from './text';
import { normalizeDate, numericMonth, numericYear, readDate, readDateSpan } from './dates';
import { FIELD_LABELS as L, MSG } from './messages';
import { DEFAULT_LIMITS, YEARS } from './limits';

export const SUBMISSION_SCHEMA_ID = 'redsite.submission/1';
/** Projects in one workbook / submission (core/limits.ts). */
export const MAX_PROJECTS = DEFAULT_LIMITS.projects;

const MOBILE = /^1[3-9]\d{9}$/;
// Optional area code (0 + 2–3 digits), 7–8 digit number, optional extension (-801 or 转801).
const LANDLINE = /^(?:0\d{2,3}-?)?[1-9]\d{6,7}(?:(?:-|转)\d{1,6})?$/;

/** Phone as typed by a person → canonical text (half-width digits, '-' separators, no spaces), or the input. */
export function normalizePhone(value: unknown): string {
  let text = toHalfWidth(cleanText(value))
    .replace(/[—–―－]/g, '-')
    .replace(/[\s()（）]/g, (ch) => (ch === '(' || ch === '（' || ch === ')' || ch === '）' ? '-' : ''))
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-');
  text = text.replace(/^\+?86-?(?=1[3-9]\d{9}$)/, '');
  return text;
}

export function isValidPhone(text: string): boolean {
  return MOBILE.test(text) || LANDLINE.test(text);
}

const requiredText = (label: string, max = 200) =>
  z.preprocess(
    (v) => cleanText(v),
    z.string().min(1, { error: MSG.required(label) }).max(max, { error: MSG.tooLong(label, max) }),
  );

const optionalText = (label: string, max = 500) =>
  z.preprocess((v) => cleanText(v), z.string().max(max, { error: MSG.tooLong(label, max) }));

export const phoneSchema = (label: string) =>
  z.preprocess(
    (v) => normalizePhone(v),
    z.string().min(1, { error: MSG.required(label), abort: true }).refine(isValidPhone, { error: MSG.phone(label) }),
  );

/** One date cell's text → ISO 'YYYY-MM-DD' (core/dates.ts; re-exported here, where it always was). */
export { normalizeDate };

/**
 * Why a date cell's text is not a date, and how to write it: a month alone (2024.3) or a span (2024.3-2024.12) is
 * what a 附件2 table accepts (core/dates.ts, the same reader) but not a date cell of the workbook, which holds one day.
 */
export function dateMessage(label: string, text: string, opts: DateCell = {}): string {
  const month = readDate(text, opts.end);
  if (month.iso && month.monthOnly) return MSG.dateMonth(label, text, month.iso);
  const span = opts.period ? readDateSpan(text) : undefined;
  if (span?.start && span.end) return MSG.dateSpan(label, text, span.start, span.end);
  return MSG.date(label);
}

/** period: a 开工／竣工日期 (a span written in it is pointed to the two columns); end: a month alone is suggested as its last day, as a 附件2 table reads it. */
export interface DateCell {
  period?: boolean;
  end?: boolean;
}

/**
 * A date cell: one day. A number that is a year and month (2024.3: what Excel keeps when “2024.3” is typed into a
 * cell, core/workbook/cells.ts) or a year alone (2024) is refused saying so, not as the 1905 day its serial would be.
 */
export const dateSchema = (label: string, opts: DateCell = {}) =>
  z.preprocess(
    (v, ctx) => {
      const month = typeof v === 'number' ? numericMonth(v, opts.end) : undefined;
      if (month) {
        ctx.addIssue({ code: 'custom', message: MSG.dateNumber(label, month), input: v });
        return v;
      }
      const year = typeof v === 'number' ? numericYear(v) : undefined;
      if (year) {
        ctx.addIssue({ code: 'custom', message: MSG.dateYear(label, year.year, year.shown), input: v });
        return v;
      }
      const text = cleanText(v);
      return text === '' ? '' : (normalizeDate(text) ?? `\u0000${text}`);
    },
    z
      .string()
      .min(1, { error: MSG.required(label), abort: true })
      .refine((s) => !s.startsWith('\u0000'), { error: (iss) => dateMessage(label, String(iss.input).slice(1), opts), abort: true })
      .refine(
        (s) => {
          const year = Number(s.slice(0, 4));
          return year >= YEARS.min && year <= YEARS.max;
        },
        { error: MSG.year(label, YEARS.min, YEARS.max) },
      ),
  );

export const districtSchema = (label: string) =>
  z.preprocess(
    (v) => normalizeDistrict(v) ?? cleanText(v),
    z
      .string()
      .min(1, { error: MSG.district(label) })
      .refine((s) => normalizeDistrict(s) === s, { error: MSG.district(label) }),
  );

export const ReporterSchema = z.object({
  unit: requiredText(L.unit, 100),
  district: districtSchema(L.district),
  contact: requiredText(L.contact, 50),
  phone: phoneSchema(L.phone),
  date: z.preprocess((v) => (cleanText(v) === '' ? undefined : v), dateSchema(L.date).optional()),
});
export type Reporter = z.infer<typeof ReporterSchema>;

export const AnswerSchema = z.preprocess(
  (v) => cleanText(v),
  z.enum(ANSWER_OPTIONS, { error: (iss) => MSG.option(String(iss.input)) }),
);

/** The project row's fields without answers: the 附件2 columns split into fields, plus 旗县区 and 备注. */
export const ProjectFieldsSchema = z
  .object({
    seq: z.coerce.number({ error: MSG.seq }).int({ error: MSG.seq }).min(1, { error: MSG.seq }),
    enterprise: requiredText(L.enterprise, 100),
    projectName: requiredText(L.projectName, 200),
    address: requiredText(L.address, 200),
    scale: requiredText(L.scale, 200),
    leader: requiredText(L.leader, 50),
    phone: phoneSchema(L.phone),
    startDate: dateSchema(L.startDate, { period: true }),
    endDate: dateSchema(L.endDate, { period: true, end: true }),
    district: districtSchema(L.district),
    remark: optionalText(L.remark).optional(),
  })
  .refine((p) => p.startDate <= p.endDate, { error: MSG.dateOrder, path: ['endDate'] });

/** A project row, including its self-assessment, checked against one rubric's criterion IDs. */
export function projectSchema(rubric: Rubric) {
  const ids = rubric.criteria.map((c) => c.id) as [string, ...string[]];
  const idSchema = z.enum(ids, { error: (iss) => MSG.criterion(String(iss.input), rubric.edition) });
  return ProjectFieldsSchema.and(
    z.object({
      answers: z.partialRecord(idSchema, AnswerSchema).default({}),
      notes: z.partialRecord(idSchema, optionalText(L.notes, 2000)).default({}),
    }),
  );
}

export const SourceSchema = z.enum(['addin', 'xlsx', 'import']);

const schemas = new WeakMap<Rubric, ReturnType<typeof buildSubmissionSchema>>();

/** The Submission schema of one rubric, built once per rubric (zod compiles a schema on its first use). */
export function submissionSchema(rubric: Rubric) {
  let schema = schemas.get(rubric);
  if (!schema) schemas.set(rubric, (schema = buildSubmissionSchema(rubric)));
  return schema;
}

function buildSubmissionSchema(rubric: Rubric) {
  return z
    .object({
      schema: z.literal(SUBMISSION_SCHEMA_ID, { error: `数据格式须为 ${SUBMISSION_SCHEMA_ID}` }),
      submissionId: z.uuid({ error: MSG.submissionId }),
      rubric: z.object({
        edition: z.literal(rubric.edition, { error: (iss) => MSG.edition(String(iss.input)) }),
        hash: z.literal(rubric.hash, { error: MSG.hash(rubric.edition) }),
      }),
      reporter: ReporterSchema,
      projects: z
        .array(projectSchema(rubric))
        .min(1, { error: MSG.noProjects })
        .max(MAX_PROJECTS, { error: MSG.tooManyProjects(MAX_PROJECTS) }),
      source: SourceSchema,
    })
    .superRefine((s, ctx) => {
      const seen = new Set<number>();
      s.projects.forEach((p, i) => {
        if (seen.has(p.seq)) ctx.addIssue({ code: 'custom', path: ['projects', i, 'seq'], message: MSG.duplicateSeq(p.seq) });
        seen.add(p.seq);
      });
    });
}

export type Submission = z.infer<ReturnType<typeof buildSubmissionSchema>>;
export type Project = Submission['projects'][number];
export type ProjectFields = z.infer<typeof ProjectFieldsSchema>;
export type Answers = Project['answers'];
