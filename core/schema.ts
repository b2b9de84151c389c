/**
 * zod schemas of the canonical Submission (docs/architecture.md) and its parts, with Chinese messages that name the field.
 * Types are inferred from these schemas and never written twice.
 */
import * as z from 'zod';
import { ANSWER_OPTIONS, type Rubric } from './rubric';
import { normalizeDistrict } from './districts';
import { cleanText, toHalfWidth } from './text';
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

/** Parses the date spellings people type (2024-05-17, 2024/5/17, 2024.5.17, 2024年5月17日) → ISO 'YYYY-MM-DD'. */
export function normalizeDate(value: unknown): string | undefined {
  const text = toHalfWidth(cleanText(value));
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export const dateSchema = (label: string) =>
  z.preprocess(
    (v) => {
      const text = cleanText(v);
      return text === '' ? '' : (normalizeDate(text) ?? `\u0000${text}`);
    },
    z
      .string()
      .min(1, { error: MSG.required(label), abort: true })
      .refine((s) => !s.startsWith('\u0000'), { error: MSG.date(label), abort: true })
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
    startDate: dateSchema(L.startDate),
    endDate: dateSchema(L.endDate),
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
