/** Service-level zod schemas: users, roles, review actions. The API's bodies and the OpenAPI document come from here. */
import * as z from 'zod';
import { districtSchema } from '../core/schema';
import { ROLES } from '../core/policy';
import { END_OF_DAY, fromBeijingInput } from '../core/time';

export { ROLES, ROLE_LABELS, type Role, type Actor } from '../core/policy';

export const STATES = ['已提交', '退回修改', '已审核'] as const;
export type State = (typeof STATES)[number];

/**
 * OLDER_VERSION (server/errors.ts ERROR_DETAILS): what the refusal's message names, as values. Here with the other API
 * schemas so that the dashboard reads it too (its 代为上传 words the refusal and offers the restore from it).
 */
export const OlderVersionDetailsSchema = z.object({
  unit: z.string().describe('申报所属的填报单位'),
  olderVersion: z.number().int().positive().describe('与上传的文件内容相同的较早版本（第几版）'),
  latestVersion: z.number().int().positive().describe('服务器上该申报的最新版本（第几版）'),
  state: z.enum(STATES).describe('该申报现在的状态（最新版本的）'),
});
export type OlderVersionDetails = z.infer<typeof OlderVersionDetailsSchema>;

/** The name an account gets when none is typed (the form's “账号名称（可不填）”). */
function defaultAccountName(u: { role: (typeof ROLES)[number]; district?: string; unit?: string }): string {
  if (u.role === 'unit') return u.unit ?? '';
  if (u.role === 'district') return `${u.district ?? ''}管理员`;
  return '联盟秘书处';
}

/**
 * A new account. The name may be left blank (the unit's name, “东河区管理员” or “联盟秘书处”), so a blank unit name
 * is reported once, as what it is, and never as a missing account name too.
 */
export const UserCreateSchema = z
  .object({
    name: z.string({ error: '账号名称须为文字' }).trim().max(100, { error: '账号名称不能超过 100 个字' }).optional(),
    role: z.enum(ROLES, { error: '角色只能是 secretariat（秘书处）、district（旗县区）或 unit（填报单位）' }),
    district: districtSchema('旗县区').optional(),
    unit: z.string({ error: '单位名称须为文字' }).trim().max(100, { error: '单位名称不能超过 100 个字' }).optional(),
    expiresInDays: z
      .number({ error: '有效天数须为 1 到 3650 的整数' })
      .int({ error: '有效天数须为 1 到 3650 的整数' })
      .min(1, { error: '有效期至少 1 天' })
      .max(3650, { error: '有效期最多 3650 天' })
      .optional(),
  })
  .superRefine((u, ctx) => {
    if (u.role !== 'secretariat' && !u.district) ctx.addIssue({ code: 'custom', path: ['district'], message: '旗县区账号和填报单位账号必须指定旗县区' });
    if (u.role === 'unit' && !u.unit) ctx.addIssue({ code: 'custom', path: ['unit'], message: '请填写单位名称：填报单位账号必须指定单位' });
  })
  .transform((u) => ({ ...u, name: u.name || defaultAccountName(u) }));
export type UserCreate = z.infer<typeof UserCreateSchema>;

/**
 * Characters that show as nothing: white space, zero-width and other format characters, controls, combining marks on
 * their own and the blank-looking letters (Hangul fillers, braille blank). A reason needs at least two others.
 */
const INVISIBLE = /[\s\p{C}\p{Z}\p{M}\u115f\u1160\u2800\u3164\uffa0]/gu;
export const visibleLength = (s: string): number => s.replace(INVISIBLE, '').length;

const RETURN_REASON_MSG = '请填写退回原因（至少 2 个字），让填报单位知道要改什么';

/** A reason on one answer (project × criterion), e.g. “佐证不足”: marked on that cell of the annotated workbook. */
export const CriterionReturnSchema = z.object({
  project: z.number({ error: '请指定项目序号（project）' }).int().min(1, { error: '项目序号须为正整数' }),
  criterion: z.string({ error: '请指定细则编号（criterion），如 A01-1' }).regex(/^[A-Z]\d{2}-\d+$/, { error: '细则编号须形如 A01-1' }),
  reason: z
    .string({ error: '请填写这条细则的退回原因' })
    .trim()
    .max(200, { error: '每条细则的退回原因不能超过 200 个字' })
    .refine((r) => visibleLength(r) >= 2, { error: '请填写这条细则的退回原因（至少 2 个字），如“佐证不足”' }),
});
export type CriterionReturn = z.infer<typeof CriterionReturnSchema>;

const VERSION_MSG = '版本号（version）须为正整数，即申报详情中显示的“第 N 版”';
/**
 * The version the reviewer looked at (optional, for older clients): a review of a version that is no longer the
 * latest is refused (409) and changes nothing.
 */
const reviewedVersion = z.number({ error: VERSION_MSG }).int({ error: VERSION_MSG }).min(1, { error: VERSION_MSG }).optional();

export const ApproveSchema = z.object({ version: reviewedVersion });

export const ReturnSchema = z.object({
  reason: z
    .string({ error: '请填写退回原因' })
    .trim()
    .max(1000, { error: '退回原因不能超过 1000 个字' })
    .refine((r) => visibleLength(r) >= 2, { error: RETURN_REASON_MSG }),
  criteria: z.array(CriterionReturnSchema).max(500, { error: '一次最多退回 500 条细则' }).optional(),
  version: reviewedVersion,
});

/** How a deadline is typed (the dashboard's form, `serve --deadline`, REDSITE_DEADLINE): Beijing wall-clock time. */
export const DEADLINE_INPUT_FORMAT = '2024-05-24 23:59';
/** The forms a deadline may be typed in, for hints and messages (core/time.ts fromBeijingInput reads them). */
export const DEADLINE_INPUT_FORMS = `“${DEADLINE_INPUT_FORMAT}”“2024/5/24 23:59”或“2024年5月24日23:59”`;
/**
 * How to type a deadline, as the dashboard's field hint and `redsite serve --help` both say it (one text for both): the
 * forms, and what a date alone means.
 */
export const DEADLINE_INPUT_HINT = `如${DEADLINE_INPUT_FORMS}；只写日期（如 2024-05-24）表示当天 ${END_OF_DAY}`;
export const DEADLINE_INPUT_MSG = `截止时间请填写日期和时间，如${DEADLINE_INPUT_FORMS}（北京时间；只写日期表示当天 ${END_OF_DAY}；须是实际存在的日期和时间）`;

/**
 * A deadline as a person types it: “2024-05-24 23:59”, “2024/5/24 23:59”, “2024年5月24日23:59” or a date alone (that
 * day at 23:59) is Beijing time whatever the server's time zone (core/time.ts fromBeijingInput, the dashboard's
 * conversion); an ISO time with its own offset (2024-05-24T23:59:00+08:00) is taken as it is. The result is the ISO
 * time with its offset, as SettingsSchema stores it.
 */
export const DeadlineInputSchema = z
  .string({ error: DEADLINE_INPUT_MSG })
  .transform((v) => fromBeijingInput(v) ?? v.trim())
  .pipe(z.iso.datetime({ offset: true, error: DEADLINE_INPUT_MSG }));

export const PORT_MSG = '端口须为 0 到 65535 的整数（0 表示随机选一个空闲端口）';

/** A port as typed (`serve --port`, REDSITE_PORT). */
export const PortInputSchema = z
  .string({ error: PORT_MSG })
  .trim()
  .regex(/^\d{1,5}$/, { error: PORT_MSG })
  .transform(Number)
  .pipe(z.number().max(65535, { error: PORT_MSG }));

const SETTINGS_DEADLINE_FORMAT = '2024-05-24T23:59:00+08:00';
/**
 * PUT /api/v1/settings: the deadline, an ISO time with its offset. It is the only setting, so it is required: a body
 * without it (a misspelt key) is refused, not answered 200 and recorded as a change that changed nothing.
 */
export const SettingsSchema = z.object({
  deadline: z.iso.datetime({
    offset: true,
    error: (iss) => (iss.input === undefined ? `请提供截止时间 deadline，格式如 ${SETTINGS_DEADLINE_FORMAT}（这是唯一可修改的设置）` : `截止时间格式须为 ${SETTINGS_DEADLINE_FORMAT}`),
  }),
});

/** The `target` field of an upload made on one 申报's page: that 申报's 提交编号. */
export const UploadTargetSchema = z
  .string({ error: 'target 须为提交编号（文本）' })
  .trim()
  .min(1, { error: 'target 须为提交编号' })
  .max(100, { error: 'target 须为提交编号（不超过 100 个字符）' })
  .optional();

/** A page of a list (`?limit=&offset=`): at most `max` items, `dflt` when not given. */
export const listPageSchema = (dflt: number, max: number) =>
  z.object({
    limit: z.coerce.number({ error: `每页条数（limit）须为 1 至 ${max} 的整数` }).int({ error: `每页条数（limit）须为 1 至 ${max} 的整数` }).min(1, { error: `每页条数（limit）须为 1 至 ${max} 的整数` }).max(max, { error: `每页条数（limit）最多 ${max}` }).default(dflt),
    offset: z.coerce.number({ error: '起始位置（offset）须为 0 或正整数' }).int({ error: '起始位置（offset）须为 0 或正整数' }).min(0, { error: '起始位置（offset）须为 0 或正整数' }).default(0),
  });
export type ListPage = z.output<ReturnType<typeof listPageSchema>>;
