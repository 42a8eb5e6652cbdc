import { z } from 'zod';
import { assignmentRoles } from '../assignments';

/**
 * What the plan importer reads out of a work-plan document (text, .docx, .xlsx, .doc or .xls).
 * The same shape is printed by `luoshi import --dry-run --json`, returned by the
 * upload preview, and stored by the import service.
 */

export const phaseKinds = ['mobilize', 'execute', 'conclude', 'other'] as const;
export const phaseKindSchema = z.enum(phaseKinds);

/** An ISO calendar date, yyyy-mm-dd. */
export const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const parsedPhaseSchema = z.object({
  /** 1-based order in the document. */
  position: z.number().int().positive(),
  kind: phaseKindSchema,
  /** The phase's name as written, e.g. 动员部署阶段. */
  name: z.string(),
  startsOn: isoDateSchema.nullable(),
  endsOn: isoDateSchema.nullable(),
  /** The heading line the phase was read from, verbatim. */
  sourceText: z.string(),
});

export const deliverableKinds = [
  'task_breakdown',
  'liaison_list',
  'summary',
  'self_assessment',
  'other',
] as const;

export const parsedDeliverableSchema = z.object({
  kind: z.enum(deliverableKinds),
  /** e.g. 任务分解表, 联络员名单 */
  title: z.string(),
  dueOn: isoDateSchema,
  /** Position of the phase it belongs to, if it was stated inside a phase. */
  phasePosition: z.number().int().positive().nullable(),
  /** Who receives it, as written (e.g. 党委教师工作部), if stated. */
  recipient: z.string().nullable(),
  sourceText: z.string(),
});

export const departmentRefKinds = ['department', 'group', 'placeholder'] as const;

/** One responsible department of an item after normalisation. */
export const parsedDepartmentRefSchema = z.object({
  /** Canonical name: aliases mapped (资产处 → 资产管理处), run-together names split. */
  name: z.string(),
  /** department: a real unit; group: expands to many (各教学单位); placeholder: the coordinator must resolve (相关职能部门). */
  kind: z.enum(departmentRefKinds),
  role: z.enum(assignmentRoles),
});

/** What a column of the plan's table was taken as; what `--columns` and the API's mapping name. */
export const columnMeanings = [
  'number',
  'level1',
  'level2',
  'level3',
  'level4',
  'content',
  'focus',
  'departments',
  'lead',
  'support',
  'leader',
  'measures',
  'deadline',
] as const;
export const columnMeaningSchema = z.enum(columnMeanings);
export type ColumnMeaning = z.infer<typeof columnMeaningSchema>;

export const parsedItemSchema = z.object({
  no: z.number().int().positive(),
  /** The item's own number as written (序号, or 1. / （1） before its content); '' when none. */
  code: z.string(),
  /** Its ancestors' titles from the top, numbering stripped: [] for a flat list. */
  path: z.array(z.string()),
  /** Their numbering as written (一, （一） → 一, 1), '' where a level has none. */
  pathCodes: z.array(z.string()),
  /** Level-1 title without its numbering, e.g. 党的领导; '' where the plan has no levels. */
  level1: z.string(),
  /** Its numbering as written, e.g. 一 */
  level1Code: z.string(),
  /** Level-2 indicator title without its numbering, e.g. 强化组织领导 */
  level2: z.string(),
  level2Code: z.string(),
  /** The requirement, verbatim (typos included), without its leading number. */
  content: z.string(),
  focus: z.string(),
  /** The responsible leader (责任校领导 / 分管校领导) as written: a person, never a department. */
  leader: z.string(),
  /** Columns Luoshi gives no meaning (备注, 工作目标), by header, where the row fills them. */
  extra: z.record(z.string(), z.string()),
  /** Canonical names of the responsible departments, in document order. */
  departments: z.array(z.string()),
  /** The department cell(s) as written. */
  departmentsRaw: z.string(),
  departmentRefs: z.array(parsedDepartmentRefSchema),
  /** 落实措施 / 完成时限 when the document already has them filled. */
  measuresRaw: z.string(),
  deadlineRaw: z.string(),
  /** 1-based row of the table (or line of the text file) the item starts on, for error messages. */
  sourceRow: z.number().int().positive(),
});

export const parsedDepartmentSchema = z.object({
  name: z.string(),
  kind: z.enum(['functional', 'teaching', 'other']),
  aliases: z.array(z.string()),
});

export const parsedGroupSchema = z.object({
  name: z.string(),
  kind: z.enum(['group', 'placeholder']),
  /** For a group: the department kind it expands to (各教学单位 → teaching). */
  selectsKind: z.enum(['functional', 'teaching', 'other']).nullable(),
});

export const parsedPlanSchema = z.object({
  format: z.enum(['text', 'docx', 'xlsx', 'doc', 'xls']),
  /** e.g. 中国劳动关系学院关于落实《…》的工作方案 */
  title: z.string().nullable(),
  /** The notice's title when the plan came wrapped in one (关于印发…的通知). */
  noticeTitle: z.string().nullable(),
  /** The institution, as read from the title or the issuer. */
  organizationName: z.string().nullable(),
  /** The issuing body, e.g. 中共中国劳动关系学院委员会 */
  issuer: z.string().nullable(),
  issuedOn: isoDateSchema.nullable(),
  /** e.g. 2024年4月22日印发 */
  printedOn: isoDateSchema.nullable(),
  /** The standard's name, e.g. 普通高等学校教师党建和思想政治工作质量标准（试行） */
  standardTitle: z.string().nullable(),
  cycleYear: z.number().int().nullable(),
  phases: z.array(parsedPhaseSchema),
  /** How many levels stand above the items: 0 for a flat task list, 2 for the seed's. */
  depth: z.number().int().min(0).max(6),
  /** 1-based row of the table that was taken as its header. */
  headerRow: z.number().int().positive(),
  /** Every header cell and what it was taken as (null: kept with the items as they are). */
  columns: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      header: z.string(),
      meaning: columnMeaningSchema.nullable(),
    }),
  ),
  deliverables: z.array(parsedDeliverableSchema),
  items: z.array(parsedItemSchema),
  departments: z.array(parsedDepartmentSchema),
  groups: z.array(parsedGroupSchema),
  /** Things a person should check, e.g. "assumed the first department of each item leads". */
  warnings: z.array(z.string()),
});

export type ParsedPlan = z.infer<typeof parsedPlanSchema>;
export type ParsedItem = z.infer<typeof parsedItemSchema>;
export type ParsedPhase = z.infer<typeof parsedPhaseSchema>;
export type ParsedDeliverable = z.infer<typeof parsedDeliverableSchema>;
export type ParsedDepartmentRef = z.infer<typeof parsedDepartmentRefSchema>;
export type PhaseKind = z.infer<typeof phaseKindSchema>;
