import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Clock } from '../src/server/clock';
import type { Database } from '../src/server/db/client';
import type { Actor } from '../src/server/modules/auth/actor';
import { dutiesOf } from '../src/server/modules/breakdowns/breakdown.rules';
import { listPlanAssignmentTargets } from '../src/server/modules/breakdowns/breakdown.repository';
import {
  measures,
  submissionEvents,
  submissions,
} from '../src/server/modules/breakdowns/breakdown.table';
import {
  institutionRatings,
  selfAssessments,
  summaries,
} from '../src/server/modules/conclusion/conclusion.table';
import { departments, type Department } from '../src/server/modules/departments/department.table';
import {
  findingEvents,
  findings,
  rectificationActions,
} from '../src/server/modules/findings/finding.table';
import { createPlanImportService } from '../src/server/modules/imports/plan-import.service';
import {
  activities,
  activityKinds,
  activityParticipants,
} from '../src/server/modules/activities/activity.table';
import { auditLog } from '../src/server/modules/audit/audit.table';
import {
  messageDeliveries,
  messages,
} from '../src/server/modules/notifications/notification.table';
import { notifications } from '../src/server/modules/supervision/supervision.table';
import { teachers } from '../src/server/modules/teachers/teacher.table';
import { ledgerSettings, progressReports } from '../src/server/modules/ledger/ledger.table';
import { defaultScope, proposalKey } from '../src/server/modules/obligations/obligation.rules';
import { obligations, occurrences } from '../src/server/modules/obligations/obligation.table';
import { organizations } from '../src/server/modules/organizations/organization.table';
import { items } from '../src/server/modules/standards/standard.table';
import { plans } from '../src/server/modules/plans/plan.table';
import { users } from '../src/server/modules/users/user.table';
import { derivePeriods, reportStatuses } from '../src/shared/ledger/periods';
import { proposeObligations } from '../src/shared/obligations/propose-obligations';
import { isCountedByReadings } from '../src/shared/obligations/readings';

export const projectRoot = path.resolve(import.meta.dirname, '..');
export const seedPlanFile = path.join(
  projectRoot,
  'seeds/ciir-2024-teacher-quality-standard-plan.txt',
);
export const BENCH_PASSWORD = 'Bench-Horse-9';

/** The 60 teaching units added to the seed's departments, so that 各教学单位 expands to 62 of them. */
const TEACHING_UNITS = [
  '文学院',
  '历史学院',
  '哲学学院',
  '经济学院',
  '管理学院',
  '法学院',
  '数学学院',
  '物理学院',
  '化学学院',
  '生命科学学院',
  '地理科学学院',
  '计算机学院',
  '软件学院',
  '电子工程学院',
  '机械工程学院',
  '土木工程学院',
  '建筑学院',
  '材料学院',
  '能源学院',
  '环境学院',
  '医学院',
  '药学院',
  '护理学院',
  '公共卫生学院',
  '体育学院',
  '音乐学院',
  '美术学院',
  '设计学院',
  '新闻学院',
  '外国语学院',
  '教育学院',
  '心理学院',
  '社会学院',
  '政治学院',
  '国际关系学院',
  '统计学院',
  '金融学院',
  '会计学院',
  '商学院',
  '旅游学院',
  '农学院',
  '园艺学院',
  '动物科学学院',
  '食品学院',
  '海洋学院',
  '航空学院',
  '自动化学院',
  '信息学院',
  '人工智能学院',
  '网络安全学院',
  '光电学院',
  '化工学院',
  '纺织学院',
  '传媒学院',
  '戏剧学院',
  '舞蹈学院',
  '继续教育学院',
  '国际教育学院',
  '创新创业学院',
  '马克思主义研究院',
];

/** A deterministic pseudo-random stream (mulberry32): the same data set on every run. */
export function randomStream(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inserts in chunks: PostgreSQL allows 65,535 parameters per statement. */
async function insertChunked<T extends Record<string, unknown>>(
  db: Database,
  table: Parameters<Database['insert']>[0],
  rows: T[],
  columns: number,
): Promise<void> {
  const size = Math.max(1, Math.floor(60_000 / Math.max(1, columns)));
  for (let start = 0; start < rows.length; start += size) {
    await db.insert(table).values(rows.slice(start, start + size) as never);
  }
}

export interface BuiltOrganization {
  organizationId: string;
  planId: string;
  coordinator: { username: string };
  /** The system admin (用户管理) and the auditor (审计日志). */
  admin: { username: string };
  auditor: { username: string };
  /** A teaching unit whose breakdown is approved (the liaison's items page). */
  approvedLiaison: { username: string; departmentId: string };
  /** A teaching unit whose breakdown is still a draft (saving a measure). */
  draftLiaison: { username: string; departmentId: string; measureId: string; itemId: string };
  /** An approved measure of the approved liaison's department (reporting progress). */
  reportMeasureId: string;
  counts: Record<string, number>;
  /** The hash every bench user shares, for more users made later. */
  passwordHash: string;
}

export interface BuildOptions {
  db: Database;
  clock: Clock;
  /** An argon2 hash of BENCH_PASSWORD, computed once and shared by every user of every organization. */
  passwordHash: string;
  /** Progress reports to aim for in this organization. */
  reportsTarget: number;
  index: number;
  seedBytes?: Buffer;
  /** Teaching units whose breakdown is still a draft (the last ones); 1 unless said, the rest approved but a few. */
  draftDepartments?: number;
  /** Departments in all, the seed's and teaching units added to them; the seed's and 60 unless said. */
  departments?: number;
}

const monthDay = (period: string, day: number) => `${period}-${String(day).padStart(2, '0')}`;

/**
 * One university as data set S describes it: the seed plan imported through the real import
 * service, 60 teaching units more, every department's breakdown with a measure per duty (all
 * approved but a few), monthly reporting May–December with about `reportsTarget` progress reports,
 * confirmed obligations with occurrences, summaries, self-assessments, institution ratings and a
 * dozen findings. Everything but the import is bulk inserted through Drizzle.
 */
export async function buildOrganization(options: BuildOptions): Promise<BuiltOrganization> {
  const { db, clock, passwordHash, index } = options;
  const random = randomStream(1000 + index);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const now = clock.now();
  const tag = `${index}-${randomUUID().slice(0, 6)}`;
  const counts: Record<string, number> = {};

  const [organization] = await db
    .insert(organizations)
    .values({ name: `基准大学${index + 1}` })
    .returning();
  const organizationId = organization!.id;
  const [coordinatorRow] = await db
    .insert(users)
    .values({
      organizationId,
      username: `bench-coordinator-${tag}`,
      displayName: '党委教师工作部',
      role: 'coordinator',
      passwordHash,
      mustChangePassword: false,
    })
    .returning();
  const coordinator = coordinatorRow!;
  const actor: Actor = {
    userId: coordinator.id,
    organizationId,
    username: coordinator.username,
    role: 'coordinator',
    departmentId: null,
    ip: '127.0.0.1',
    userAgent: 'bench',
  };

  // ---- the seed plan, through the real import service
  const importer = createPlanImportService({ db, clock, maxFileBytes: 10 * 1024 * 1024 });
  const bytes = options.seedBytes ?? (await readFile(seedPlanFile));
  const imported = await importer.import(actor, {
    fileName: '2024年教师党建和思想政治工作质量标准落实方案.txt',
    bytes,
  });
  const planId = imported.planId!;
  const [plan] = await db.select().from(plans).where(eq(plans.id, planId));

  // ---- 60 teaching units more (or as many as make options.departments in all)
  const existing = await db
    .select()
    .from(departments)
    .where(eq(departments.organizationId, organizationId));
  const added = Array.from(
    {
      length:
        options.departments === undefined
          ? TEACHING_UNITS.length
          : Math.max(1, options.departments - existing.length),
    },
    (_, n) => TEACHING_UNITS[n] ?? `第${n + 1}教学单位`,
  );
  await db.insert(departments).values(
    added.map((name, position) => ({
      organizationId,
      name,
      kind: 'teaching' as const,
      position: existing.length + position,
    })),
  );
  const allDepartments: Department[] = await db
    .select()
    .from(departments)
    .where(eq(departments.organizationId, organizationId));
  counts.departments = allDepartments.length;

  // ---- a liaison per department
  const liaisonRows = allDepartments.map((department, position) => ({
    organizationId,
    username: `bench-liaison-${tag}-${position}`,
    displayName: `${department.name}联络员`,
    role: 'liaison' as const,
    departmentId: department.id,
    passwordHash,
    mustChangePassword: false,
  }));
  const liaisons = await db.insert(users).values(liaisonRows).returning({
    id: users.id,
    username: users.username,
    departmentId: users.departmentId,
    displayName: users.displayName,
  });
  const liaisonOf = new Map(liaisons.map((liaison) => [liaison.departmentId!, liaison]));
  counts.users = liaisons.length + 1;

  // ---- task breakdowns: a measure per duty (a second one on one duty in four)
  const targets = await listPlanAssignmentTargets(db, planId);
  const allItems = await db.select().from(items).where(eq(items.standardId, plan!.standardId));
  const itemById = new Map(allItems.map((item) => [item.id, item]));
  const teaching = allDepartments.filter(
    (department) => department.kind === 'teaching' && added.includes(department.name),
  );
  const draftDepartment = teaching[teaching.length - 1]!;
  const drafts = new Set(
    teaching.slice(-Math.max(1, options.draftDepartments ?? 1)).map((department) => department.id),
  );
  const approvedDepartment = teaching[0]!;
  const submittedAt = new Date('2024-04-28T02:00:00Z');
  const approvedAt = new Date('2024-04-30T02:00:00Z');
  const submissionRows: (typeof submissions.$inferInsert)[] = [];
  const measureRows: (typeof measures.$inferInsert)[] = [];
  const eventRows: (typeof submissionEvents.$inferInsert)[] = [];
  const dutiesByDepartment = new Map<string, Map<string, { role: 'lead' | 'support' }>>();
  for (const [position, department] of allDepartments.entries()) {
    const duties = dutiesOf(department, targets);
    if (duties.size === 0) continue;
    dutiesByDepartment.set(department.id, duties);
    // One draft (saving a measure) or as many as asked, two submitted, one returned, the rest approved.
    const status = drafts.has(department.id)
      ? 'draft'
      : position % 37 === 3
        ? 'submitted'
        : position % 41 === 5
          ? 'returned'
          : 'approved';
    const submissionId = randomUUID();
    submissionRows.push({
      id: submissionId,
      organizationId,
      planId,
      departmentId: department.id,
      status,
      liaisonName: `${department.name}王老师`,
      liaisonPhone: '010-88561234',
      liaisonEmail: 'liaison@example.edu.cn',
      submittedAt: status === 'draft' ? null : submittedAt,
      decidedAt: status === 'approved' || status === 'returned' ? approvedAt : null,
      createdAt: new Date('2024-04-23T02:00:00Z'),
      updatedAt: approvedAt,
    });
    if (status !== 'draft')
      eventRows.push({
        organizationId,
        submissionId,
        action: 'submit',
        actorUserId: liaisonOf.get(department.id)!.id,
        actorName: liaisonOf.get(department.id)!.displayName,
        at: submittedAt,
      });
    if (status === 'approved' || status === 'returned') {
      eventRows.push({
        organizationId,
        submissionId,
        action: status === 'approved' ? 'approve' : 'return',
        actorUserId: coordinator.id,
        actorName: coordinator.displayName,
        comment: status === 'approved' ? '同意' : '请补充完成时限',
        at: approvedAt,
      });
    }
    let measurePosition = 0;
    for (const itemId of duties.keys()) {
      const item = itemById.get(itemId)!;
      const many = random() < 0.25 ? 2 : 1;
      for (let n = 0; n < many; n += 1) {
        measureRows.push({
          id: randomUUID(),
          organizationId,
          submissionId,
          planId,
          departmentId: department.id,
          itemId,
          text: `${department.name}落实第${item.no}项${n === 0 ? '：制定年度工作计划，明确专人负责，按月推进并留存记录' : '：开展专题学习和督促检查，形成工作台账'}`,
          deadlineKind: pick(['yearly', 'monthly', 'semester', 'date', 'ongoing'] as const),
          dueOn: pick(['2024-06-30', '2024-09-30', '2024-11-30', '2024-12-31']),
          position: measurePosition++,
          createdAt: new Date('2024-04-24T02:00:00Z'),
          updatedAt: new Date('2024-04-24T02:00:00Z'),
        });
      }
    }
  }
  await insertChunked(db, submissions, submissionRows, 14);
  await insertChunked(db, measures, measureRows, 13);
  await insertChunked(db, submissionEvents, eventRows, 9);
  counts.submissions = submissionRows.length;
  counts.duties = [...dutiesByDepartment.values()].reduce((sum, duties) => sum + duties.size, 0);
  counts.measures = measureRows.length;

  // ---- the ledger: monthly May–December, due on the 5th of the next month
  const settings = {
    frequency: 'monthly' as const,
    dueDay: 5,
    firstPeriod: '2024-05',
    lastPeriod: '2024-12',
  };
  await db.insert(ledgerSettings).values({
    organizationId,
    planId,
    ...settings,
    createdAt: new Date('2024-05-01T02:00:00Z'),
    updatedAt: new Date('2024-05-01T02:00:00Z'),
  });
  const periods = derivePeriods(settings).filter(
    (period) => period.startsOn <= now.toISOString().slice(0, 10),
  );
  const statusOf = new Map(submissionRows.map((row) => [row.departmentId, row.status]));
  const reportable = measureRows.filter(
    (measure) => statusOf.get(measure.departmentId) === 'approved',
  );
  const functional = new Set(
    allDepartments
      .filter((department) => department.kind !== 'teaching')
      .map((department) => department.id),
  );
  const functionalSlots =
    reportable.filter((measure) => functional.has(measure.departmentId)).length * periods.length;
  const teachingSlots = reportable.length * periods.length - functionalSlots;
  // Functional departments report nine times in ten; teaching units share what remains of the target.
  const pFunctional = Math.min(0.9, options.reportsTarget / Math.max(1, functionalSlots));
  const pTeaching = Math.max(
    0,
    Math.min(
      0.9,
      (options.reportsTarget - pFunctional * functionalSlots) / Math.max(1, teachingSlots),
    ),
  );
  const reportRows: (typeof progressReports.$inferInsert)[] = [];
  for (const measure of reportable) {
    const liaison = liaisonOf.get(measure.departmentId)!;
    for (const period of periods) {
      if (random() >= (functional.has(measure.departmentId) ? pFunctional : pTeaching)) continue;
      const late = random() < 0.15;
      const day = late
        ? `${period.dueOn.slice(0, 8)}${String(6 + Math.floor(random() * 20)).padStart(2, '0')}`
        : monthDay(period.endsOn.slice(0, 7), Math.min(28, 20 + Math.floor(random() * 8)));
      const at = new Date(`${day}T10:00:00+08:00`);
      if (at > now) continue;
      const versions = random() < 0.05 ? 2 : 1;
      for (let version = 1; version <= versions; version += 1) {
        reportRows.push({
          organizationId,
          planId,
          departmentId: measure.departmentId,
          measureId: measure.id!,
          periodKey: period.key,
          version,
          status: pick(reportStatuses.slice(1)),
          text: `${period.label}：按计划推进，召开专题会议${1 + Math.floor(random() * 3)}次，形成记录${version > 1 ? '（更正）' : ''}`,
          late,
          submittedBy: liaison.id,
          submittedByName: liaison.displayName,
          submittedAt: new Date(at.getTime() + (version - 1) * 3_600_000),
        });
      }
    }
  }
  await insertChunked(db, progressReports, reportRows, 13);
  counts.progressReports = reportRows.length;
  counts.lateReports = reportRows.filter((row) => row.late).length;

  // ---- obligations proposed from the items' text, all confirmed, with occurrences
  const obligationRows: (typeof obligations.$inferInsert)[] = [];
  for (const item of allItems) {
    for (const proposal of proposeObligations(item)) {
      const kind = proposal.kind;
      const population = kind === 'frequency' ? proposal.eachOf : proposal.population;
      obligationRows.push({
        id: randomUUID(),
        organizationId,
        planId,
        itemId: item.id,
        status: 'confirmed',
        kind,
        period: proposal.period ?? 'semester',
        minimumCount: kind === 'frequency' ? (proposal.minimumCount ?? 1) : null,
        targetPercent: kind === 'coverage' ? proposal.targetPercent : null,
        population: population ?? (kind === 'coverage' ? '教师' : null),
        scope: defaultScope(item.id, targets),
        source: proposal.source,
        proposalKey: proposalKey(item.id, kind, proposal.source),
        version: 2,
        createdAt: new Date('2024-05-02T02:00:00Z'),
        updatedAt: new Date('2024-05-03T02:00:00Z'),
      });
    }
  }
  await insertChunked(db, obligations, obligationRows, 17);
  const occurrenceRows: (typeof occurrences.$inferInsert)[] = [];
  const responsible = (itemId: string) =>
    [...dutiesByDepartment.entries()]
      .filter(([, duties]) => duties.has(itemId))
      .map(([departmentId]) => departmentId);
  for (const obligation of obligationRows) {
    const departmentIds = responsible(obligation.itemId);
    const who = obligation.scope === 'each_department' ? departmentIds : departmentIds.slice(0, 1);
    const readings = isCountedByReadings({
      kind: obligation.kind!,
      eachOf: obligation.population ?? null,
    });
    for (const departmentId of who) {
      const liaison = liaisonOf.get(departmentId)!;
      for (const month of ['2024-05', '2024-06', '2024-09', '2024-10', '2024-11']) {
        if (random() < 0.3) continue;
        const outOf = 20 + Math.floor(random() * 40);
        occurrenceRows.push({
          organizationId,
          planId,
          obligationId: obligation.id!,
          departmentId,
          occurredOn: monthDay(month, 10 + Math.floor(random() * 15)),
          description: readings ? `${month}统计：参加人数` : `${month}召开专题会议`,
          achieved: readings ? Math.floor(outOf * (0.7 + random() * 0.3)) : null,
          outOf: readings ? outOf : null,
          recordedBy: liaison.id,
          recordedByName: liaison.displayName,
          recordedAt: new Date(`${month}-25T02:00:00Z`),
        });
      }
    }
  }
  await insertChunked(db, occurrences, occurrenceRows, 13);
  counts.obligations = obligationRows.length;
  counts.occurrences = occurrenceRows.length;

  // ---- phase 3: summaries, self-assessments, institution ratings
  const ratings = ['达标', '达标', '达标', '基本达标', '未达标'];
  const at = new Date('2024-11-20T02:00:00Z');
  const summaryRows: (typeof summaries.$inferInsert)[] = [];
  const assessmentRows: (typeof selfAssessments.$inferInsert)[] = [];
  for (const [departmentId, duties] of dutiesByDepartment) {
    if (random() < 0.1 && !drafts.has(departmentId)) continue;
    // A department still drafting its breakdown has not submitted its summary either (saving a self-assessment).
    const submitted = !drafts.has(departmentId);
    summaryRows.push({
      organizationId,
      planId,
      departmentId,
      status: submitted ? 'submitted' : 'draft',
      highlights: '建立月度推进机制',
      results: '各项任务按期完成',
      cases: '青年教师导师制典型案例',
      submittedAt: submitted ? at : null,
      createdAt: at,
      updatedAt: at,
    });
    for (const itemId of duties.keys()) {
      assessmentRows.push({
        organizationId,
        planId,
        itemId,
        departmentId,
        rating: pick(ratings),
        justification: '对照考察重点逐项落实，佐证材料齐全',
        createdAt: at,
        updatedAt: at,
      });
    }
  }
  await insertChunked(db, summaries, summaryRows, 14);
  await insertChunked(db, selfAssessments, assessmentRows, 11);
  await db.insert(institutionRatings).values(
    allItems.map((item) => ({
      organizationId,
      planId,
      itemId: item.id,
      rating: pick(ratings),
      note: '',
      moderatedBy: coordinator.displayName,
      createdAt: at,
      updatedAt: at,
    })),
  );
  counts.summaries = summaryRows.length;
  counts.selfAssessments = assessmentRows.length;
  counts.institutionRatings = allItems.length;

  // ---- a dozen findings, in every state
  const findingRows: (typeof findings.$inferInsert)[] = [];
  const states = [
    'open',
    'open',
    'in_progress',
    'in_progress',
    'awaiting_verification',
    'verified',
    'verified',
    'open',
    'in_progress',
    'verified',
    'open',
    'in_progress',
  ] as const;
  const departmentIds = [...dutiesByDepartment.keys()];
  states.forEach((state, position) => {
    const owner = pick(departmentIds);
    findingRows.push({
      id: randomUUID(),
      organizationId,
      planId,
      no: position + 1,
      title: `查摆问题${position + 1}：台账记录不完整`,
      description: '部分月份进度报送缺少佐证材料',
      kind: position % 3 === 0 ? 'carried_over' : 'immediate',
      state,
      ownerDepartmentId: owner,
      departmentIds: [owner],
      itemIds: [pick(allItems).id],
      dueOn: '2024-12-31',
      verifiedAt: state === 'verified' ? new Date('2024-12-10T02:00:00Z') : null,
      createdAt: new Date('2024-11-25T02:00:00Z'),
      updatedAt: new Date('2024-12-01T02:00:00Z'),
    });
  });
  await db.insert(findings).values(findingRows);
  await db.insert(findingEvents).values(
    findingRows.map((finding) => ({
      organizationId,
      findingId: finding.id!,
      action: 'create' as const,
      toState: 'open' as const,
      actorUserId: coordinator.id,
      actorName: coordinator.displayName,
      at: new Date('2024-11-25T02:00:00Z'),
    })),
  );
  const acting = findingRows.filter((finding) => finding.state !== 'open');
  if (acting.length > 0) {
    await db.insert(rectificationActions).values(
      acting.map((finding) => ({
        organizationId,
        findingId: finding.id!,
        departmentId: finding.ownerDepartmentId,
        text: '已补齐佐证材料并建立月度检查',
        actorUserId: liaisonOf.get(finding.ownerDepartmentId)!.id,
        actorName: liaisonOf.get(finding.ownerDepartmentId)!.displayName,
        at: new Date('2024-12-02T02:00:00Z'),
      })),
    );
  }
  counts.findings = findingRows.length;

  // ---- the system admin and the auditor, who read 用户管理 and 审计日志
  const [adminRow, auditorRow] = await db
    .insert(users)
    .values(
      (['admin', 'auditor'] as const).map((role) => ({
        organizationId,
        username: `bench-${role}-${tag}`,
        displayName: role === 'admin' ? '系统管理员' : '安全审计员',
        role,
        passwordHash,
        mustChangePassword: false,
      })),
    )
    .returning();
  counts.users += 2;

  // ---- the roster and a term of activities: 15 teachers a department, six activities each with ten of them
  const teacherRows: (typeof teachers.$inferInsert)[] = allDepartments.flatMap((department, d) =>
    Array.from({ length: 15 }, (_, n) => ({
      id: randomUUID(),
      organizationId,
      workNo: `T${String(d).padStart(3, '0')}${String(n).padStart(2, '0')}`,
      name: `${department.name.slice(0, 2)}教师${n + 1}`,
      departmentId: department.id,
      departmentName: department.name,
      ageBand: n % 3 === 0 ? '35岁及以下' : '36-45岁',
      partyMember: n % 2 === 0,
      staffKind: 'full_time' as const,
      title: n % 4 === 0 ? '教授' : '讲师',
      phone: `1380000${String(d * 15 + n).padStart(4, '0')}`,
      createdAt: new Date('2024-03-01T02:00:00Z'),
      updatedAt: new Date('2024-03-01T02:00:00Z'),
    })),
  );
  await insertChunked(db, teachers, teacherRows, 15);
  const kindRows = ['理论学习', '谈心谈话', '国情研修', '师德培训'].map((name, n) => ({
    id: randomUUID(),
    organizationId,
    name,
    itemNos: [n + 1],
    createdAt: new Date('2024-03-01T02:00:00Z'),
  }));
  await db.insert(activityKinds).values(kindRows);
  const activityRows: (typeof activities.$inferInsert)[] = [];
  const participantRows: (typeof activityParticipants.$inferInsert)[] = [];
  for (const [d, department] of allDepartments.entries()) {
    const liaison = liaisonOf.get(department.id)!;
    const own = teacherRows.filter((teacher) => teacher.departmentId === department.id);
    for (let n = 0; n < 6; n += 1) {
      const id = randomUUID();
      const month = String(3 + n).padStart(2, '0');
      activityRows.push({
        id,
        organizationId,
        kindId: kindRows[(d + n) % kindRows.length]!.id,
        departmentId: department.id,
        title: `${department.name}${month}月专题活动`,
        heldOn: `2024-${month}-${String(10 + (d % 15)).padStart(2, '0')}`,
        note: '',
        recordedBy: liaison.id,
        recordedByName: liaison.displayName,
        recordedAt: new Date(`2024-${month}-28T02:00:00Z`),
      });
      for (const teacher of own.slice(n % 5, (n % 5) + 10))
        participantRows.push({ activityId: id, teacherId: teacher.id!, organizationId });
    }
  }
  await insertChunked(db, activities, activityRows, 11);
  await insertChunked(db, activityParticipants, participantRows, 3);
  counts.teachers = teacherRows.length;
  counts.activities = activityRows.length;
  counts.participants = participantRows.length;

  // ---- a year of messages: thirty reminders to each liaison, each in the bell and sent by e-mail too
  const kinds = [
    'measure.due_soon',
    'period_report.due',
    'period_report.missing',
    'measure.overdue',
  ] as const;
  const messageRows: (typeof messages.$inferInsert)[] = [];
  const notificationRows: (typeof notifications.$inferInsert)[] = [];
  const deliveryRows: (typeof messageDeliveries.$inferInsert)[] = [];
  for (const liaison of liaisons) {
    for (let n = 0; n < 30; n += 1) {
      const createdAt = new Date(Date.UTC(2024, 3, 1) + n * 8.5 * 86_400_000);
      const kind = kinds[n % kinds.length]!;
      const notificationId = randomUUID();
      const messageId = randomUUID();
      const title = kind === 'period_report.missing' ? '进度未报送' : '进度报送提醒';
      const body = `${liaison.displayName}：请于本月5日前报送上月工作进度。`;
      notificationRows.push({
        id: notificationId,
        organizationId,
        userId: liaison.id,
        title,
        body,
        link: '/ledger',
        createdAt,
        readAt: n < 26 ? new Date(createdAt.getTime() + 3_600_000) : null,
      });
      messageRows.push({
        id: messageId,
        organizationId,
        recipientUserId: liaison.id,
        kind,
        dedupeKey: `bench/${liaison.id}/${n}`,
        planId,
        planName: plan!.title,
        departmentId: liaison.departmentId,
        title,
        body,
        action: '去报送',
        link: '/ledger',
        notificationId,
        createdAt,
      });
      for (const channel of ['in_app', 'email'] as const)
        deliveryRows.push({
          organizationId,
          messageId,
          channel,
          status: 'sent',
          address: channel === 'email' ? 'liaison@example.edu.cn' : null,
          attempts: 1,
          createdAt,
          finishedAt: createdAt,
        });
    }
  }
  await insertChunked(db, notifications, notificationRows, 8);
  await insertChunked(db, messages, messageRows, 15);
  await insertChunked(db, messageDeliveries, deliveryRows, 9);
  counts.messages = messageRows.length;

  // ---- the audit log of such a year: every measure and report written, and the liaisons' sign-ins
  const entry = (
    actorRow: { id: string; username: string },
    action: string,
    entityType: string,
    entityId: string | null,
    atTime: Date,
    after: unknown,
  ): typeof auditLog.$inferInsert => ({
    organizationId,
    actorUserId: actorRow.id,
    actorName: actorRow.username,
    action,
    entityType,
    entityId,
    ip: '10.1.2.3',
    userAgent: 'Mozilla/5.0',
    before: null,
    after,
    at: atTime,
  });
  const auditRows: (typeof auditLog.$inferInsert)[] = [
    ...measureRows.map((measure) =>
      entry(
        liaisonOf.get(measure.departmentId)!,
        'measure.create',
        'measure',
        measure.id!,
        measure.createdAt as Date,
        { text: measure.text, dueOn: measure.dueOn },
      ),
    ),
    ...reportRows.map((report) =>
      entry(
        liaisonOf.get(report.departmentId)!,
        'ledger.report',
        'progress_report',
        report.measureId,
        report.submittedAt as Date,
        { periodKey: report.periodKey, version: report.version, text: report.text },
      ),
    ),
    ...liaisons.flatMap((liaison) =>
      Array.from({ length: 40 }, (_, n) =>
        entry(
          liaison,
          'auth.sign_in',
          'session',
          null,
          new Date(Date.UTC(2024, 3, 1) + n * 6 * 86_400_000),
          null,
        ),
      ),
    ),
  ].sort((a, b) => (a.at as Date).getTime() - (b.at as Date).getTime());
  await insertChunked(db, auditLog, auditRows, 11);
  counts.auditEntries = auditRows.length;

  const draftMeasure = measureRows.find((measure) => measure.departmentId === draftDepartment.id)!;
  return {
    organizationId,
    planId,
    coordinator: { username: coordinator.username },
    admin: { username: adminRow!.username },
    auditor: { username: auditorRow!.username },
    approvedLiaison: {
      username: liaisonOf.get(approvedDepartment.id)!.username,
      departmentId: approvedDepartment.id,
    },
    draftLiaison: {
      username: liaisonOf.get(draftDepartment.id)!.username,
      departmentId: draftDepartment.id,
      measureId: draftMeasure.id!,
      itemId: draftMeasure.itemId,
    },
    reportMeasureId: reportable.find((measure) => measure.departmentId === approvedDepartment.id)!
      .id!,
    counts,
    passwordHash,
  };
}

/** A fresh organization with a coordinator, for timing the seed import on its own. */
export async function createEmptyOrganization(
  db: Database,
  passwordHash: string,
  name: string,
): Promise<Actor> {
  const [organization] = await db.insert(organizations).values({ name }).returning();
  const [user] = await db
    .insert(users)
    .values({
      organizationId: organization!.id,
      username: `bench-import-${randomUUID().slice(0, 8)}`,
      displayName: '导入',
      role: 'coordinator',
      passwordHash,
      mustChangePassword: false,
    })
    .returning();
  return {
    userId: user!.id,
    organizationId: organization!.id,
    username: user!.username,
    role: 'coordinator',
    departmentId: null,
    ip: '127.0.0.1',
    userAgent: 'bench',
  };
}
