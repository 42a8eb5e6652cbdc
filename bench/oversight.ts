import { fork } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { and, asc, eq, ne } from 'drizzle-orm';
import { createServices } from '../src/server/app';
import type { Clock } from '../src/server/clock';
import type { AppConfig } from '../src/server/config';
import type { Database } from '../src/server/db/client';
import { organizations } from '../src/server/modules/organizations/organization.table';
import {
  upsertSnapshots,
  type NewInstitutionSnapshotFigures,
} from '../src/server/modules/oversight/oversight.repository';
import { createOversightService } from '../src/server/modules/oversight/oversight.service';
import {
  institutionSnapshots,
  type InstitutionSnapshot,
} from '../src/server/modules/oversight/oversight.table';
import { plans } from '../src/server/modules/plans/plan.table';
import { standards } from '../src/server/modules/standards/standard.table';
import { overdueSources } from '../src/server/modules/supervision/supervision.sources';
import { users } from '../src/server/modules/users/user.table';
import { projectRoot, randomStream } from './dataset';
import type { RefreshProcessMessage, RefreshProcessSpec } from './refresh-process';

export interface BuiltOversight {
  supervisorId: string;
  overseer: { username: string };
  /** Computing every institution's snapshot, as the nightly sweep does. */
  refresh: RefreshFigures;
}

export interface RefreshFigures {
  institutions: number;
  totalMs: number;
  p50Ms: number;
  meanMs: number;
  maxMs: number;
}

/** The oversight service as the app builds it, for the bench to call on its own. */
export function createBenchOversightService(db: Database, clock: Clock, config: AppConfig) {
  const services = createServices({ db, clock, config });
  return createOversightService({
    db,
    clock,
    breakdowns: services.breakdowns,
    plans: services.plans,
    lateSources: overdueSources({ breakdowns: services.breakdowns }),
    views: services.views,
  });
}

/** Refreshes each institution's snapshot in turn, as the nightly sweep does, timing each. */
export function timeRefreshes(
  oversight: ReturnType<typeof createOversightService>,
  institutionIds: string[],
): Promise<RefreshFigures> {
  return timeRefreshRounds(() => oversight, institutionIds, 1);
}

/**
 * `rounds` passes over the institutions, each with a service of its own (so no view is kept from
 * the round before, as a nightly pass finds yesterday's views stale), timing every refresh.
 */
export async function timeRefreshRounds(
  newService: () => ReturnType<typeof createOversightService>,
  institutionIds: string[],
  rounds: number,
): Promise<RefreshFigures & { rounds: number }> {
  const runs: number[] = [];
  const start = performance.now();
  for (let round = 0; round < rounds; round += 1) {
    const oversight = newService();
    for (const institutionId of institutionIds) {
      const t0 = performance.now();
      await oversight.refreshSnapshot(institutionId);
      runs.push(performance.now() - t0);
    }
  }
  const sorted = [...runs].sort((a, b) => a - b);
  const round1 = (value: number) => Math.round(value * 10) / 10;
  return {
    rounds,
    institutions: runs.length,
    totalMs: round1(performance.now() - start),
    p50Ms: round1(sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN),
    meanMs: round1(runs.reduce((total, value) => total + value, 0) / Math.max(1, runs.length)),
    maxMs: round1(sorted.at(-1) ?? NaN),
  };
}

/**
 * A pass's throughput with `processes` job processes side by side (bench/refresh-process.ts, each
 * with its own event loop and pool, as app processes sharing the jobs table are), each running
 * `concurrency` refreshes at a time over all the institutions, `rounds` times, starting at a
 * different one so that no two refresh the same institution at once. Timed from "go" (every
 * process connected and warmed up) until the last is done.
 */
export async function timeRefreshProcesses(
  databaseUrl: string,
  institutionIds: string[],
  {
    processes,
    concurrency,
    rounds,
    today,
    nodeFlags = [],
  }: {
    processes: number;
    concurrency: number;
    rounds: number;
    today: string;
    /** V8 flags for the processes' node, such as --max-semi-space-size=64. */
    nodeFlags?: string[];
  },
) {
  const children = Array.from({ length: processes }, (_, index) => {
    const shift = Math.round((index * institutionIds.length) / processes);
    const spec: RefreshProcessSpec = {
      databaseUrl,
      institutionIds: [...institutionIds.slice(shift), ...institutionIds.slice(0, shift)],
      rounds,
      concurrency,
      today,
    };
    const child = fork(path.join(projectRoot, 'bench/refresh-process.ts'), [JSON.stringify(spec)], {
      cwd: projectRoot,
      execArgv: [...nodeFlags, '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const next = (kind: RefreshProcessMessage['kind']) =>
      new Promise<RefreshProcessMessage>((resolve, reject) => {
        const onMessage = (message: RefreshProcessMessage) => {
          if (message.kind !== kind) return;
          child.off('message', onMessage);
          resolve(message);
        };
        child.on('message', onMessage);
        child.once('exit', (code) =>
          reject(new Error(`a refresh process exited (${code}) before ${kind}`)),
        );
      });
    return { child, ready: next('ready'), done: next('done') };
  });
  await Promise.all(children.map((each) => each.ready));
  const start = performance.now();
  for (const { child } of children) child.send('go');
  const answers = (await Promise.all(children.map((each) => each.done))) as Extract<
    RefreshProcessMessage,
    { kind: 'done' }
  >[];
  const totalMs = performance.now() - start;
  const times = answers.flatMap((answer) => answer.refreshMs).sort((a, b) => a - b);
  const round1 = (value: number) => Math.round(value * 10) / 10;
  return {
    processes,
    concurrency,
    refreshes: times.length,
    totalMs: round1(totalMs),
    perInstitutionMs: round1(totalMs / Math.max(1, times.length)),
    p50Ms: round1(times[Math.floor((times.length - 1) / 2)] ?? NaN),
    maxMs: round1(times.at(-1) ?? NaN),
    cpuMsPerRefresh: round1(
      answers.reduce((total, answer) => total + answer.cpuMs, 0) / Math.max(1, times.length),
    ),
  };
}

/**
 * Data set M's province: one supervising organization over every university built, an overseer,
 * and every institution's snapshot computed by the same service function the refresh job runs.
 */
export async function buildOversight(
  db: Database,
  clock: Clock,
  config: AppConfig,
  passwordHash: string,
): Promise<BuiltOversight> {
  const [province] = await db
    .insert(organizations)
    .values({ name: '基准省教育厅', kind: 'supervisor' })
    .returning();
  const supervisorId = province!.id;
  const [overseer] = await db
    .insert(users)
    .values({
      organizationId: supervisorId,
      username: 'bench-overseer',
      displayName: '省厅督导',
      role: 'overseer',
      passwordHash,
      mustChangePassword: false,
    })
    .returning();
  const institutions = await db
    .update(organizations)
    .set({ supervisorId })
    .where(and(eq(organizations.kind, 'institution'), ne(organizations.id, supervisorId)))
    .returning({ id: organizations.id });
  const oversight = createBenchOversightService(db, clock, config);
  return {
    supervisorId,
    overseer: { username: overseer!.username },
    refresh: await timeRefreshes(
      oversight,
      institutions.map((institution) => institution.id),
    ),
  };
}

// ---------------------------------------------------------------- data set L

/** Regions and kinds of school that make the names of L's institutions (省份 × 校名), as a national list reads. */
const REGIONS = [
  '北京',
  '天津',
  '河北',
  '山西',
  '内蒙古',
  '辽宁',
  '吉林',
  '黑龙江',
  '上海',
  '江苏',
  '浙江',
  '安徽',
  '福建',
  '江西',
  '山东',
  '河南',
  '湖北',
  '湖南',
  '广东',
  '广西',
  '海南',
  '重庆',
  '四川',
  '贵州',
  '云南',
  '西藏',
  '陕西',
  '甘肃',
  '青海',
  '宁夏',
  '新疆',
];
const SCHOOL_KINDS = [
  '大学',
  '师范大学',
  '理工大学',
  '科技大学',
  '医科大学',
  '财经大学',
  '农业大学',
  '工业大学',
  '交通大学',
  '外国语大学',
  '政法大学',
  '民族大学',
  '师范学院',
  '医学院',
  '艺术学院',
  '体育学院',
  '职业技术学院',
  '工程学院',
  '商学院',
  '城市学院',
];
const ORDINALS = ['', '第二', '第三', '第四', '第五', '第六', '第七', '第八', '第九', '第十'];

/** The n-th name of the national list: every region and kind once, then 第二…, as many as needed. */
export function nationalInstitutionName(n: number): string {
  const per = REGIONS.length * SCHOOL_KINDS.length;
  const round = Math.floor(n / per);
  const region = REGIONS[n % REGIONS.length]!;
  const kind = SCHOOL_KINDS[Math.floor((n % per) / REGIONS.length)]!;
  return `${region}${ORDINALS[round] ?? `第${round + 1}`}${kind}`;
}

/** How L's figures are made from M's: printed by the bench and kept in its results. */
export const NATIONAL_DERIVATION =
  "each of L's snapshots is derived from one of M's real snapshots (computed by refreshSnapshot), " +
  'taken in turn, with three deterministic factors per institution (mulberry32, seed 7000 + n): ' +
  'size 0.35–1.25 scales departments, measures per level-1 indicator and expected self-assessments; ' +
  'progress 0.55–1.10 scales what is done (submitted breakdowns, measures done, self-assessments rated), capped at the totals; ' +
  'lateness (1.65 − progress) × 0.8–1.2 scales every late count and open/overdue findings; ' +
  'lateTotal stays the sum of its kinds, plan-wide measures the sum of the level-1s; ' +
  "items, ratings, the late list and the findings list are the source's; computedAt is spread over the 6 hours before the source's";

const scaled = (value: number, factor: number) => Math.max(0, Math.round(value * factor));

/**
 * One of L's snapshots from one of M's (see NATIONAL_DERIVATION). Pure: the same source and `n`
 * give the same row. Keeps the relations the overview relies on (done ≤ total, open ≤ total,
 * overdue ≤ open, lateTotal the sum of its kinds).
 */
export function deriveNationalSnapshot(
  source: InstitutionSnapshot,
  n: number,
  target: { organizationId: string; supervisorId: string; planId: string },
): NewInstitutionSnapshotFigures {
  const random = randomStream(7000 + n);
  const size = 0.35 + random() * 0.9;
  const progress = 0.55 + random() * 0.55;
  const lateness = (1.65 - progress) * (0.8 + random() * 0.4);
  const byLevel1 = source.byLevel1.map((level1) => {
    const measures = Math.max(level1.measuresDone > 0 ? 1 : 0, scaled(level1.measures, size));
    return {
      ...level1,
      measures,
      measuresDone: Math.min(measures, scaled(level1.measuresDone, size * progress)),
      lateMeasures: scaled(level1.lateMeasures, size * lateness),
      missingReports: scaled(level1.missingReports, size * lateness),
      lateReports: scaled(level1.lateReports, size * lateness),
    };
  });
  const sumOf = (key: 'measures' | 'measuresDone') =>
    byLevel1.reduce((total, level1) => total + level1[key], 0);
  const sourceSumsMatch =
    source.byLevel1.reduce((total, level1) => total + level1.measures, 0) === source.measures;
  const measures = sourceSumsMatch ? sumOf('measures') : scaled(source.measures, size);
  const measuresDone = sourceSumsMatch
    ? sumOf('measuresDone')
    : Math.min(measures, scaled(source.measuresDone, size * progress));
  const departmentsTotal = Math.max(1, scaled(source.departmentsTotal, size));
  const selfAssessmentsExpected = scaled(source.selfAssessmentsExpected, size);
  const lateMeasures = scaled(source.lateMeasures, size * lateness);
  const missingReports = scaled(source.missingReports, size * lateness);
  const lateBreakdowns = Math.min(departmentsTotal, scaled(source.lateBreakdowns, size * lateness));
  const otherLate = Math.max(
    0,
    source.lateTotal - source.lateMeasures - source.missingReports - source.lateBreakdowns,
  );
  const findingsOpen = Math.min(source.findingsTotal, scaled(source.findingsOpen, lateness));
  const computedAt = new Date(source.computedAt.getTime() - Math.floor(random() * 6 * 3600_000));
  return {
    organizationId: target.organizationId,
    supervisorId: target.supervisorId,
    planId: target.planId,
    planTitle: source.planTitle,
    cycleYear: source.cycleYear,
    current: true,
    items: source.items,
    itemsWithApprovedMeasure: source.itemsWithApprovedMeasure,
    measures,
    measuresDone,
    lateMeasures,
    missingReports,
    lateReports: scaled(source.lateReports, size * lateness),
    lateBreakdowns,
    lateTotal: lateMeasures + missingReports + lateBreakdowns + scaled(otherLate, size * lateness),
    departmentsSubmitted: Math.min(
      departmentsTotal,
      scaled(source.departmentsSubmitted, size * progress),
    ),
    departmentsTotal,
    selfAssessmentsRated: Math.min(
      selfAssessmentsExpected,
      scaled(source.selfAssessmentsRated, size * progress),
    ),
    selfAssessmentsExpected,
    ratings: source.ratings,
    unrated: source.unrated,
    findingsTotal: source.findingsTotal,
    findingsOpen,
    findingsOverdue: Math.min(findingsOpen, scaled(source.findingsOverdue, lateness)),
    findingsVerified: Math.min(source.findingsVerified, source.findingsTotal - findingsOpen),
    findingsCarriedOver: source.findingsCarriedOver,
    byLevel1,
    late: source.late,
    findings: source.findings,
    auditWatermark: computedAt,
    computedAt,
  };
}

export interface BuiltNational {
  supervisorId: string;
  overseer: { username: string };
  institutions: number;
  /** M's snapshots L's are derived from. */
  sources: number;
  buildMs: number;
  derivation: string;
}

/**
 * Data set L: one supervising organization (a national office) over `count` institutions. Building
 * that many full institutions takes hours, and the overview reads only organizations and
 * snapshots, so each institution is an organization with a standard and a plan row (copied from
 * its source's, so every foreign key is real) and one current snapshot derived from one of M's
 * real snapshots, written in batches by the refresh job's own writer (`upsertSnapshots`).
 * Built after M is measured, in M's database: M's figures are not touched.
 */
export async function buildNational(
  db: Database,
  options: { count: number; sourceSupervisorId: string; passwordHash: string },
): Promise<BuiltNational> {
  const start = performance.now();
  const sources = await db
    .select({ snapshot: institutionSnapshots, plan: plans, standard: standards })
    .from(institutionSnapshots)
    .innerJoin(plans, eq(plans.id, institutionSnapshots.planId))
    .innerJoin(standards, eq(standards.id, plans.standardId))
    .innerJoin(organizations, eq(organizations.id, institutionSnapshots.organizationId))
    .where(
      and(
        eq(institutionSnapshots.supervisorId, options.sourceSupervisorId),
        eq(institutionSnapshots.current, true),
      ),
    )
    // By name (基准大学1, 2, …): the same source for the same n on every run.
    .orderBy(asc(organizations.name));
  if (sources.length === 0) throw new Error("data set L needs M's snapshots, and there are none");
  const [national] = await db
    .insert(organizations)
    .values({ name: '基准全国督导办公室', kind: 'supervisor' })
    .returning();
  const supervisorId = national!.id;
  const [overseer] = await db
    .insert(users)
    .values({
      organizationId: supervisorId,
      username: 'bench-overseer-l',
      displayName: '全国督导',
      role: 'overseer',
      passwordHash: options.passwordHash,
      mustChangePassword: false,
    })
    .returning();
  const BATCH = 500;
  for (let first = 0; first < options.count; first += BATCH) {
    const numbers = Array.from(
      { length: Math.min(BATCH, options.count - first) },
      (_, k) => first + k,
    );
    const institutions = await db
      .insert(organizations)
      .values(
        numbers.map((n) => ({
          name: nationalInstitutionName(n),
          kind: 'institution' as const,
          supervisorId,
        })),
      )
      .returning({ id: organizations.id });
    const sourceOf = (k: number) => sources[numbers[k]! % sources.length]!;
    const newStandards = await db
      .insert(standards)
      .values(
        institutions.map((institution, k) => {
          const { id: _id, createdAt: _at, ...standard } = sourceOf(k).standard;
          return { ...standard, organizationId: institution.id };
        }),
      )
      .returning({ id: standards.id });
    const newPlans = await db
      .insert(plans)
      .values(
        institutions.map((institution, k) => {
          const { id: _id, createdAt: _at, ...plan } = sourceOf(k).plan;
          return { ...plan, organizationId: institution.id, standardId: newStandards[k]!.id };
        }),
      )
      .returning({ id: plans.id });
    // 100 rows a statement: a snapshot has 35 columns, PostgreSQL takes 65,535 parameters.
    const rows = institutions.map((institution, k) =>
      deriveNationalSnapshot(sourceOf(k).snapshot, numbers[k]!, {
        organizationId: institution.id,
        supervisorId,
        planId: newPlans[k]!.id,
      }),
    );
    for (let at = 0; at < rows.length; at += 100)
      await upsertSnapshots(db, rows.slice(at, at + 100));
  }
  return {
    supervisorId,
    overseer: { username: overseer!.username },
    institutions: options.count,
    sources: sources.length,
    buildMs: Math.round(performance.now() - start),
    derivation: NATIONAL_DERIVATION,
  };
}
