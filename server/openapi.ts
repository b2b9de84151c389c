/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
import * as z from 'zod';
import { submissionSchema } from '../core/schema';
import { IssueSchema } from '../core/issues';
import { currentRubric } from '../core/rubric';
import { ApproveSchema, OlderVersionDetailsSchema, ReturnSchema, SettingsSchema, UserCreateSchema, STATES } from './model';
import { MAX_PROJECTS } from '../core/schema';

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (name: string) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });
const ok = (description: string, schema?: object) => ({ description, ...(schema ? { content: { 'application/json': { schema } } } : {}) });
const errors = { '401': ok('未登录或令牌无效', ref('Error')), '403': ok('无权操作', ref('Error')) };

export function openApiDocument(version: string) {
  const Error = z.object({
    error: z.string().describe('错误说明（中文，说明原因和怎么做）'),
    code: z.string(),
    issues: z.array(IssueSchema).optional(),
    details: OlderVersionDetailsSchema.optional().describe('code 为 OLDER_VERSION 时：错误说明中的单位、版本和状态，供程序使用（如 redsite import --server）'),
  });
  // What POST /submissions answers (server/submissions.ts StoreResult).
  const Stored = z.object({
    id: z.string().describe('服务器上的提交编号：之后查看、退回、审核都用它。同一份工作簿由不同单位提交时各有各的编号'),
    workbookId: z.string().describe('工作簿自身的编号（_meta 中的 UUID）'),
    unit: z.string().describe('申报所属的填报单位：单位账号为本单位；旗县区代为上传时为文件中的填报单位'),
    district: z.string(),
    onBehalf: z.boolean().describe('由旗县区（或秘书处）代为上传'),
    version: z.number().int(),
    unchanged: z.boolean().describe('内容与最新版本相同，未新建版本'),
    reopened: z.boolean().describe('新版本替换了已审核通过的版本：申报回到“已提交”，需重新审核'),
    restoredFrom: z.number().int().optional().describe('带 ?restore=1 代为上传、内容与较早的这一版相同时：按新版本保存了这一版的内容（其间的版本都保留）'),
    state: z.enum(STATES),
    late: z.boolean(),
    scores: z.array(z.unknown()),
    issues: z.array(IssueSchema).describe('提醒，包括“重复项目”（本单位另一份申报中也有的项目，汇总时只计一次）'),
  });
  return {
    openapi: '3.1.0',
    info: { title: 'redsite 红色工地申报同步服务', version, description: '包头企业党建联盟“红色工地”创建提档升级：申报、审核、汇总接口。所有错误信息为中文。' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Submission: json(submissionSchema(currentRubric())),
        Issue: json(IssueSchema),
        Error: json(Error),
        Stored: json(Stored),
        Return: json(ReturnSchema),
        Approve: json(ApproveSchema),
        UserCreate: json(UserCreateSchema),
        Settings: json(SettingsSchema),
        State: { type: 'string', enum: [...STATES] },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/healthz': { get: { security: [], summary: '健康检查（存储空间不足时仍然应答：ok 为 false，并说明原因）', responses: { '200': ok('服务状态与剩余存储空间') } } },
      '/api/v1/openapi.json': { get: { security: [], summary: '本接口说明（OpenAPI 3.1）', responses: { '200': ok('接口说明') } } },
      '/api/v1/me': { get: { summary: '当前账号', responses: { '200': ok('账号信息'), ...errors } } },
      '/api/v1/me/template.xlsx': { get: { summary: '本账号的申报工作簿：填报单位账号已填好填报单位和所属旗县区，旗县区账号已填好旗县区；每次下载都有新的提交编号', parameters: [{ name: 'projects', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_PROJECTS } }], responses: { '200': ok('xlsx'), ...errors } } },
      '/api/v1/submissions': {
        post: {
          summary: '提交申报（JSON 或上传文件）；旗县区账号上传本区单位的文件即“代为上传”',
          description: '申报按（填报单位，工作簿编号）区分：单位账号的申报属于本单位；旗县区账号上传时，单位取文件中的填报单位（须属本旗县区），审计记为“代为上传”。文件可为 .xlsx 申报工作簿、附件2表格（.xlsx/.csv）或 Word 回执（.docx）。',
          requestBody: { required: true, content: { 'application/json': { schema: ref('Submission') }, 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' }, submission: { type: 'string', description: '加载项提交的 Submission JSON（可选，附原始文件）' }, district: { type: 'string', description: '附件2表格没有旗县区列时使用的旗县区（仅秘书处；旗县区账号总是本区）' }, target: { type: 'string', description: '在某份申报页面上传修改后的工作簿时填该申报的提交编号：文件须是这份申报的工作簿，否则 409 且不保存' } } } } } },
          parameters: [{ name: 'restore', in: 'query', required: false, description: '代为上传（旗县区、秘书处为单位上传）时，内容与该申报较早的某一版（不是最新版）相同的上传默认拒收（409，code 为 OLDER_VERSION：旧邮件附件不会替换新版本、撤销审核）；确要改回那一版的内容时传 1，保存为新版本。单位自己上传不作此检查', schema: { type: 'string', enum: ['1'] } },
            { name: 'latest', in: 'query', required: false, description: '与 restore=1 一起：确认恢复时看到的最新版本号（拒收回答 details 中的 latestVersion）。其间又有新版本上传时不保存（409，code 为 CONFLICT），以免恢复替换没人看过的版本', schema: { type: 'integer', minimum: 1 } }],
          responses: { '201': ok('新申报或新版本', ref('Stored')), '409': ok('指定了 target，但文件不是该申报的工作簿；或内容与该申报较早的一版相同（OLDER_VERSION，错误说明第几版，details 给出单位、两个版本号和状态）；本次未保存', ref('Error')), '200': ok('内容未变（重复提交）', ref('Stored')), '413': ok('文件过大，或本单位保存的申报将超过存储配额（QUOTA_EXCEEDED）；本次未保存', ref('Error')), '422': ok('内容有误，issues 为问题清单', ref('Error')), ...errors },
        },
        get: {
          summary: '申报列表（按角色限定范围；最近更新的在前，分页：total 为符合条件的总数）',
          parameters: [
            ...['district', 'state', 'met', 'late', 'q'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
            { name: 'limit', in: 'query', required: false, description: '每页条数，默认 200，最多 1000', schema: { type: 'integer', minimum: 1 } },
            { name: 'offset', in: 'query', required: false, description: '从第几条开始（0 起）', schema: { type: 'integer', minimum: 0 } },
          ],
          responses: { '200': ok('列表'), ...errors },
        },
      },
      '/api/v1/submissions/{id}': { get: { summary: '申报详情（最新版本、各版本、审计记录；超出保留版本数的旧版本只保留记录，标 pruned）', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': ok('详情'), '404': ok('不存在', ref('Error')), ...errors } } },
      '/api/v1/submissions/{id}/diff': { get: { summary: '两个版本的差异', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }, { name: 'from', in: 'query', schema: { type: 'integer' } }, { name: 'to', in: 'query', schema: { type: 'integer' } }], responses: { '200': ok('差异'), ...errors } } },
      '/api/v1/submissions/{id}/original': { get: { summary: '下载上传的原始文件', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': ok('xlsx 文件'), ...errors } } },
      '/api/v1/submissions/{id}/annotated.xlsx': { get: { summary: '标注问题的工作簿：单位最新上传的文件（JSON 提交则按数据填好的新工作簿），问题单元格标色加批注，最前面是《问题清单》和退回原因', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': ok('xlsx 文件'), '422': ok('文件无法标注', ref('Error')), ...errors } } },
      '/api/v1/showcase': { get: { summary: '观摩推荐名单（秘书处）：已审核、具备七有一好八规范，按得分率排序；rule 为选取规则', parameters: ['perDistrict', 'limit'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000 } })), responses: { '200': ok('rule 与 entries'), '400': ok('参数有误', ref('Error')), ...errors } } },
      '/api/v1/showcase.xlsx': { get: { summary: '观摩推荐名单工作簿（秘书处，只含数值）', parameters: ['perDistrict', 'limit'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000 } })), responses: { '200': ok('xlsx'), '400': ok('参数有误', ref('Error')), ...errors } } },
      '/api/v1/submissions/{id}/evidence': {
        get: {
          summary: '佐证材料列表（按项目序号、细则编号；version 为某一版本时的佐证），本次退回的细则（returns）和本单位用量',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }, { name: 'version', in: 'query', required: false, schema: { type: 'integer', minimum: 1 } }],
          responses: { '200': ok('items、returns、usage'), ...errors },
        },
        post: {
          summary: '上传佐证材料（填报单位、本旗县区代为上传或秘书处）：照片（JPEG、PNG）、PDF、Office 文档，按文件内容识别类型；一次请求的文件全部保存或全部不保存',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', required: ['project', 'criterion', 'files'], properties: { project: { type: 'integer', description: '项目序号' }, criterion: { type: 'string', description: '细则编号，如 A01-1' }, files: { type: 'array', items: { type: 'string', format: 'binary' } } } } } } },
          responses: { '201': ok('已保存的佐证（含缩略图和文件地址、拍摄时间）'), '409': ok('已审核的申报，填报单位不能再增删', ref('Error')), '413': ok('文件或本单位用量超过上限', ref('Error')), '415': ok('不是可接受的格式（HEIC、压缩包、加密文件等）', ref('Error')), '422': ok('图片损坏、不完整或尺寸异常；项目或细则不存在', ref('Error')), ...errors },
        },
      },
      '/api/v1/evidence/{eid}/file': { get: { summary: '打开佐证文件（照片为去除定位信息、保留拍摄时间的副本；download=1 为下载）', parameters: [{ name: 'eid', in: 'path', required: true, schema: { type: 'integer' } }, { name: 'download', in: 'query', required: false, schema: { type: 'string' } }], responses: { '200': ok('文件'), '404': ok('不存在或无权查看', ref('Error')), ...errors } } },
      '/api/v1/evidence/{eid}/thumb': { get: { summary: '照片缩略图（WebP，最长边 320 像素）', parameters: [{ name: 'eid', in: 'path', required: true, schema: { type: 'integer' } }], responses: { '200': ok('image/webp'), '404': ok('不存在、无权查看或不是图片', ref('Error')), ...errors } } },
      '/api/v1/evidence/{eid}': { delete: { summary: '删除佐证（当前版本起不再显示，之前的版本仍保留；没有任何版本使用的文件才从磁盘删除）', parameters: [{ name: 'eid', in: 'path', required: true, schema: { type: 'integer' } }], responses: { '200': ok('id、removedVersion'), '404': ok('不存在或无权查看', ref('Error')), '409': ok('已审核', ref('Error')), ...errors } } },
      '/api/v1/showcase/pack.zip': { get: { summary: '观摩资料包（秘书处）：观摩名单和每个入选项目一个文件夹（旗县区-单位-项目），含项目概况.xlsx 和按细则命名的佐证（照片不含定位信息）；边生成边下载', parameters: [...['perDistrict', 'limit'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000 } })), { name: 'district', in: 'query', required: false, schema: { type: 'string' } }], responses: { '200': ok('zip'), '400': ok('参数有误', ref('Error')), '413': ok('超过 4 GB，请按旗县区分批下载', ref('Error')), ...errors } } },
      '/api/v1/showcase/pack-ticket': { post: { summary: '观摩资料包的一次性下载链接（秘书处；2 分钟内有效、只能用一次，浏览器可直接保存到磁盘）；请求体可含 perDistrict、limit、district', responses: { '200': ok('url'), ...errors } } },
      '/api/v1/submissions/{id}/return': { post: { summary: '退回修改（须填写原因；criteria 可逐条细则说明原因，如“佐证不足”，标注在工作簿的自评单元格上）', description: 'version 为审核人查看的版本（建议总是传）：期间上传了新版本时回答 409，不做任何改动。同一版本再次以相同的原因和细则退回（如重复点击）不做改动、不记审计（unchanged 为 true）；该版本已退回修改时，原因或细则不同则替换不同的部分，审计分别记为“修改退回原因”（detail 中 previousReason、reason）和“修改退回细则”（previousCriteria、criteria），未变的细则不重复记录。已审核的申报也可以退回。', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], requestBody: body('Return'), responses: { '200': ok('已退回（或与上次退回相同，unchanged 为 true）；annotated 为标注问题的工作簿的下载地址'), '409': ok('期间上传了新版本（version 不是最新版本），未做改动', ref('Error')), '422': ok('缺少原因', ref('Error')), ...errors } } },
      '/api/v1/submissions/{id}/approve': { post: { summary: '审核通过', description: 'version 为审核人查看的版本（建议总是传）：期间上传了新版本时回答 409，不做任何改动。已审核的再次审核通过不做改动（unchanged 为 true）。', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], requestBody: { required: false, content: { 'application/json': { schema: ref('Approve') } } }, responses: { '200': ok('已审核'), '409': ok('状态不允许（已退回修改），或期间上传了新版本；未做改动', ref('Error')), '422': ok('版本号格式不对', ref('Error')), ...errors } } },
      '/api/v1/districts': { get: { summary: '各旗县区统计', responses: { '200': ok('统计'), ...errors } } },
      '/api/v1/roster': { get: { summary: '报送名单：各旗县区应报（名单上的单位和有填报单位账号的单位）、已报、退回、已审核，每个单位的状态，名单外已报的单位', responses: { '200': ok('名单'), ...errors } }, post: { summary: '导入报送名单（xlsx/CSV：单位名称、旗县区、联系人、电话），替换原名单（旗县区只替换本区）', responses: { '200': ok('已导入'), '422': ok('名单有误，issues 为问题清单', ref('Error')), ...errors } } },
      '/api/v1/roster/missing.xlsx': { get: { summary: '未报送名单（xlsx：旗县区、单位名称、联系人、电话、状态），范围同报送名单：旗县区为本区，秘书处为全市或 ?district= 指定的旗县区', parameters: [{ name: 'district', in: 'query', schema: { type: 'string' } }], responses: { '200': ok('xlsx'), ...errors } } },
      '/api/v1/districts/{district}/workbook.xlsx': { get: { summary: '旗县区汇总工作簿', parameters: [{ name: 'district', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': ok('xlsx'), '304': ok('未变化'), ...errors } } },
      '/api/v1/master.xlsx': { get: { summary: '全市总表（秘书处）', responses: { '200': ok('xlsx'), '304': ok('未变化'), ...errors } } },
      '/api/v1/template.xlsx': { get: { security: [], summary: '空白申报工作簿', parameters: [{ name: 'projects', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_PROJECTS } }], responses: { '200': ok('xlsx') } } },
      '/api/v1/rubric': { get: { security: [], summary: '评分细则', responses: { '200': ok('细则') } } },
      '/api/v1/users': { get: { summary: '账号列表（秘书处：全部；旗县区：本区填报单位账号）', responses: { '200': ok('账号'), ...errors } }, post: { summary: '创建账号（秘书处；旗县区只能创建本区填报单位账号），令牌只返回一次；一个单位只有一个有效的填报单位账号（单位名称按申报的同一规则比较），已有时 409 并指明该账号', requestBody: body('UserCreate'), responses: { '201': ok('账号与令牌'), '409': ok('该单位已有账号', ref('Error')), ...errors } } },
      '/api/v1/users/bulk': { post: { summary: '按单位名单（xlsx/CSV：单位名称、旗县区、联系人、电话）批量创建填报单位账号；已有账号的单位（同一规则）跳过；workbook 为《账号清单.xlsx》（base64，单位、账号、令牌、登录地址），令牌只在其中出现一次', requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } } } }, responses: { '201': ok('created、skipped、fileName、workbook'), '422': ok('名单有误', ref('Error')), ...errors } } },
      '/api/v1/users/{id}/revoke': { post: { summary: '停用账号（秘书处；旗县区限本区填报单位账号）', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: { '200': ok('已停用'), ...errors } } },
      '/api/v1/users/{id}/reissue': { post: { summary: '重新签发令牌（遗失或过期时）：旧令牌立即失效，新令牌只返回一次', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: { '200': ok('账号与新令牌'), ...errors } } },
      '/api/v1/audit': { get: { summary: '审计日志（秘书处）', responses: { '200': ok('日志'), ...errors } } },
      '/api/v1/settings': { get: { summary: '截止时间等设置', responses: { '200': ok('设置') } }, put: { summary: '修改设置（秘书处）', requestBody: body('Settings'), responses: { '200': ok('设置'), ...errors } } },
    },
  };
}
