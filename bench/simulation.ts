/**
 * Signed-in people using Luoshi at once, over HTTP, as `npm run load` runs them (bench/load-users.ts)
 * and as test/bench/load-simulation.test.ts runs a handful of them for a few seconds.
 *
 * Each simulated user signs in with their own password, keeps their own session cookie and CSRF
 * token, and then, until the time is up, thinks for a while and does what their role does:
 * - the coordinating office reads the dashboard, the submission board, the ledger (filtered, paged),
 *   a department's breakdown or ledger, its notifications, and now and then exports the ledger;
 * - leaders read the dashboard, the board and the ledger;
 * - liaisons read their items and their ledger; while their breakdown is a draft they save measures
 *   (PATCH naming the version they read), once it is approved they report progress for the current
 *   period, often with a small evidence file (PDF, PNG or .docx) uploaded first and cited.
 * Several liaisons share a department, so two of them sometimes save the same record: the 409 that
 * refuses the stale write is expected and counted as a conflict (the user re-reads and tries again).
 * Every other answer of 400 or more, a network error and a timeout is an error.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/server/app';
import { warmDocumentWriters } from '../src/server/io/document-writer-pool';
import type { Clock } from '../src/server/clock';
import type { AppConfig } from '../src/server/config';
import type { Database } from '../src/server/db/client';
import { createJobRunner } from '../src/server/modules/jobs/job.runner';
import { departments } from '../src/server/modules/departments/department.table';
import { submissions } from '../src/server/modules/breakdowns/breakdown.table';
import { users } from '../src/server/modules/users/user.table';
import type { BreakdownView, MeasureView } from '../src/shared/api/breakdowns';
import type { EvidenceView } from '../src/shared/api/evidence';
import type { DepartmentLedger } from '../src/shared/api/ledger';
import { samplePdf, samplePng, sampleOffice } from '../test/support/evidence-files';
import { eq } from 'drizzle-orm';
import { randomStream, type BuiltOrganization } from './dataset';

// ---------------------------------------------------------------- the server under load

/** A clock that starts at `start` and then runs with real time: a December day of the data set, ticking. */
export function runningClockFrom(start: string): Clock {
  const offset = new Date(start).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

/** The app as `npm start` runs it (background jobs polling) on a database that already holds the data set. */
export async function startLoadServer(options: {
  db: Database;
  clock: Clock;
  config: AppConfig;
}): Promise<{ app: FastifyInstance; url: string; close(): Promise<void> }> {
  const jobs = createJobRunner({ db: options.db, clock: options.clock });
  const app = await buildApp(
    { db: options.db, clock: options.clock, config: options.config, jobs, mailer: null },
    { logger: options.config.logLevel !== 'silent' },
  );
  const url = await app.listen({ host: '127.0.0.1', port: options.config.port });
  warmDocumentWriters();
  jobs.start(options.config.jobPollSeconds * 1000, app.log);
  return {
    app,
    url,
    async close() {
      await jobs.stop();
      await app.close();
    },
  };
}

// ---------------------------------------------------------------- the people

export type LoadRole = 'coordinator' | 'leader' | 'liaison';
export interface LoadUser {
  username: string;
  role: LoadRole;
  departmentId: string | null;
  /** A liaison whose breakdown may still be edited (a draft, or returned): they save measures rather than report. */
  drafting: boolean;
}

/**
 * `count` accounts in the built organization, sharing the data set's password: a few of the
 * coordinating office (2 %), leaders (4 %), and liaisons spread evenly over the departments, the
 * departments still drafting their breakdown taking turns with the approved ones.
 */
export async function createLoadUsers(
  db: Database,
  built: BuiltOrganization,
  count: number,
): Promise<LoadUser[]> {
  const coordinators = Math.max(1, Math.round(count * 0.02));
  const leaders = Math.max(1, Math.round(count * 0.04));
  const liaisons = Math.max(0, count - coordinators - leaders);
  const all = await db
    .select({ id: departments.id, position: departments.position })
    .from(departments)
    .where(eq(departments.organizationId, built.organizationId))
    .orderBy(departments.position);
  const statuses = new Map(
    (
      await db
        .select({ departmentId: submissions.departmentId, status: submissions.status })
        .from(submissions)
        .where(eq(submissions.planId, built.planId))
    ).map((row) => [row.departmentId, row.status]),
  );
  const editable = (departmentId: string | null) =>
    departmentId !== null && ['draft', 'returned'].includes(statuses.get(departmentId) ?? '');
  const drafting = all.filter((department) => editable(department.id));
  const others = all.filter((department) => !editable(department.id));
  const ordered: typeof all = [];
  for (let n = 0; ordered.length < all.length; n += 1) {
    if (n < others.length) ordered.push(others[n]!);
    if (n < drafting.length) ordered.push(drafting[n]!);
  }
  const tag = randomUUID().slice(0, 6);
  const rows: (typeof users.$inferInsert)[] = [];
  const people: LoadUser[] = [];
  const add = (role: LoadRole, index: number, departmentId: string | null) => {
    const username = `load-${role}-${tag}-${index}`;
    rows.push({
      organizationId: built.organizationId,
      username,
      displayName: `${role === 'liaison' ? '联络员' : role === 'leader' ? '校领导' : '教师工作部'}${index + 1}`,
      role,
      departmentId,
      passwordHash: built.passwordHash,
      mustChangePassword: false,
    });
    people.push({ username, role, departmentId, drafting: editable(departmentId) });
  };
  for (let n = 0; n < coordinators; n += 1) add('coordinator', n, null);
  for (let n = 0; n < leaders; n += 1) add('leader', n, null);
  for (let n = 0; n < liaisons; n += 1) add('liaison', n, ordered[n % ordered.length]!.id);
  for (let start = 0; start < rows.length; start += 500)
    await db.insert(users).values(rows.slice(start, start + 500));
  return people;
}

/**
 * The same people in an order whose every beginning has the mix of the whole (2 % office, 4 %
 * leaders, the rest liaisons over the departments), so that a ramp's step of N users is the first
 * N: createLoadUsers lists them role by role, of which the first hundred would be all office.
 */
export function inArrivalOrder(people: LoadUser[]): LoadUser[] {
  const byRole = new Map<LoadRole, LoadUser[]>();
  for (const person of people) {
    const group = byRole.get(person.role);
    if (group) group.push(person);
    else byRole.set(person.role, [person]);
  }
  // The n-th of k people of a role comes at (n + ½) / k of the way: each role evenly spread.
  return [...byRole.values()]
    .flatMap((group) => group.map((person, n) => ({ person, at: (n + 0.5) / group.length })))
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.person);
}

// ---------------------------------------------------------------- counting

export interface OperationFigures {
  operation: string;
  count: number;
  /** Expected 409s: a stale version refused because someone else saved first. */
  conflicts: number;
  errors: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Latencies, conflicts and errors by operation. */
export class Recorder {
  readonly #latencies = new Map<string, number[]>();
  readonly #conflicts = new Map<string, number>();
  readonly #errors = new Map<string, number>();
  /** The first errors, as they came, to find their cause. */
  readonly samples: string[] = [];

  record(
    operation: string,
    ms: number,
    outcome: 'ok' | 'conflict' | 'error',
    detail?: string,
  ): void {
    if (!this.#latencies.has(operation)) this.#latencies.set(operation, []);
    this.#latencies.get(operation)!.push(ms);
    if (outcome === 'conflict')
      this.#conflicts.set(operation, (this.#conflicts.get(operation) ?? 0) + 1);
    if (outcome === 'error') {
      this.#errors.set(operation, (this.#errors.get(operation) ?? 0) + 1);
      if (this.samples.length < 30) this.samples.push(`${operation}: ${detail ?? ''}`);
    }
  }

  figures(elapsedSeconds: number): OperationFigures[] {
    const round = (value: number) => Math.round(value * 10) / 10;
    return [...this.#latencies.entries()]
      .map(([operation, latencies]) => {
        const sorted = [...latencies].sort((a, b) => a - b);
        const at = (q: number) =>
          sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
        return {
          operation,
          count: sorted.length,
          conflicts: this.#conflicts.get(operation) ?? 0,
          errors: this.#errors.get(operation) ?? 0,
          requestsPerSecond: Math.round((sorted.length / elapsedSeconds) * 100) / 100,
          p50: round(at(0.5)),
          p95: round(at(0.95)),
          p99: round(at(0.99)),
          max: round(sorted.at(-1) ?? 0),
          mean: round(sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length)),
        };
      })
      .sort((a, b) => a.operation.localeCompare(b.operation));
  }
}

// ---------------------------------------------------------------- one person's HTTP session

const REQUEST_TIMEOUT_MS = 30_000;

interface Answer<T> {
  status: number;
  body: T;
}

class Session {
  #cookie = '';
  #csrfToken = '';

  constructor(
    private readonly base: string,
    public recorder: Recorder,
    readonly user: LoadUser,
  ) {}

  /**
   * One request, timed and counted under `operation`. Resolves to the answer when it is a success,
   * or a 409 that `conflictExpected` allows; to null when it is an error (already counted).
   */
  async send<T>(
    operation: string,
    method: string,
    url: string,
    options: { json?: unknown; form?: FormData; conflictExpected?: boolean } = {},
  ): Promise<Answer<T> | null> {
    const headers: Record<string, string> = { 'accept-language': 'zh-CN' };
    if (this.#cookie) headers.cookie = this.#cookie;
    if (method !== 'GET' && this.#csrfToken) headers['x-csrf-token'] = this.#csrfToken;
    let body: string | FormData | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      body = options.form;
    }
    // Counted where it started: a request sent in a warm-up and answered after it is the warm-up's.
    const recorder = this.recorder;
    const t0 = performance.now();
    let response: Response;
    let bytes: ArrayBuffer;
    try {
      response = await fetch(`${this.base}${url}`, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      bytes = await response.arrayBuffer();
    } catch (error) {
      recorder.record(
        operation,
        performance.now() - t0,
        'error',
        `${method} ${url}: ${(error as Error).name}: ${(error as Error).message}`,
      );
      return null;
    }
    const ms = performance.now() - t0;
    const text = () => Buffer.from(bytes).toString('utf8');
    if (response.status === 409 && options.conflictExpected) {
      recorder.record(operation, ms, 'conflict');
      return { status: 409, body: JSON.parse(text()) as T };
    }
    if (response.status >= 400) {
      recorder.record(
        operation,
        ms,
        'error',
        `${method} ${url} as ${this.user.username}: ${response.status} ${text().slice(0, 300)}`,
      );
      return null;
    }
    recorder.record(operation, ms, 'ok');
    const type = response.headers.get('content-type') ?? '';
    if (response.status === 200 && method === 'POST' && url === '/api/v1/auth/sign-in') {
      const cookie = response.headers
        .getSetCookie()
        .map((line) => line.split(';')[0]!)
        .find((pair) => pair.startsWith('luoshi_session='));
      if (cookie) this.#cookie = cookie;
    }
    return {
      status: response.status,
      body: (type.includes('application/json') ? JSON.parse(text()) : null) as T,
    };
  }

  async signIn(password: string): Promise<boolean> {
    const answer = await this.send<{ csrfToken: string }>(
      'sign in',
      'POST',
      '/api/v1/auth/sign-in',
      { json: { username: this.user.username, password } },
    );
    if (!answer) return false;
    this.#csrfToken = answer.body.csrfToken;
    return this.#cookie !== '';
  }
}

// ---------------------------------------------------------------- what each role does

/** Evidence as people upload it: small files of the kinds the app accepts, built in memory. */
function evidenceFile(turn: number): { name: string; bytes: Buffer; type: string } {
  switch (turn % 3) {
    case 0:
      return {
        name: `会议记录-${turn}.pdf`,
        bytes: samplePdf(`meeting minutes ${turn}`),
        type: 'application/pdf',
      };
    case 1:
      return { name: `现场照片-${turn}.png`, bytes: samplePng(), type: 'image/png' };
    default:
      return {
        name: `工作方案-${turn}.docx`,
        bytes: sampleOffice('docx'),
        type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      };
  }
}

const measuresOf = (view: BreakdownView): MeasureView[] =>
  view.indicators.flatMap((level1) =>
    level1.children.flatMap((level2) => level2.items.flatMap((item) => item.measures)),
  );

/** How many records of a department its liaisons work on: few, so that they sometimes meet. */
const HOT_RECORDS = 4;
/** Attempts at a save that keeps meeting someone else's newer version. */
const SAVE_ATTEMPTS = 3;

interface Person {
  session: Session;
  random: () => number;
  planId: string;
  /** The department list the office and leaders filter by. */
  departmentIds: string[];
  breakdown: BreakdownView | null;
  ledger: DepartmentLedger | null;
  turn: number;
}

type Action = [weight: number, run: (person: Person) => Promise<void>];

const plan = (person: Person) => `/api/v1/plans/${person.planId}`;
const pick = <T>(person: Person, list: readonly T[]): T =>
  list[Math.floor(person.random() * list.length)]!;

async function readDashboard(person: Person) {
  await person.session.send('dashboard', 'GET', `${plan(person)}/dashboard`);
}
async function readBoard(person: Person) {
  await person.session.send('submission board', 'GET', `${plan(person)}/breakdowns`);
}
async function readNotifications(person: Person) {
  await person.session.send('notifications', 'GET', '/api/v1/notifications?limit=20');
}

async function readLedger(person: Person) {
  const filters = [
    '',
    '',
    `&departmentId=${pick(person, person.departmentIds)}`,
    '&periodKey=2024-12',
    '&state=late',
    '&state=missing',
    `&search=${encodeURIComponent('专题')}`,
  ];
  const page = person.random() < 0.2 ? 2 : 1;
  await person.session.send(
    'ledger',
    'GET',
    `${plan(person)}/ledger?page=${page}&pageSize=50${pick(person, filters)}`,
  );
}

async function readDepartmentBreakdown(person: Person) {
  await person.session.send(
    "a department's breakdown",
    'GET',
    `${plan(person)}/breakdowns/${pick(person, person.departmentIds)}`,
  );
}

async function readDepartmentLedger(person: Person) {
  await person.session.send(
    "a department's ledger",
    'GET',
    `${plan(person)}/ledger/departments/${pick(person, person.departmentIds)}`,
  );
}

const LEDGER_EXPORT = 'ledger export (.xlsx)';
/** The operations that are exports (the ramp may judge them by a limit of their own). */
export const EXPORT_OPERATIONS: ReadonlySet<string> = new Set([LEDGER_EXPORT]);

async function exportLedger(person: Person) {
  await person.session.send(
    LEDGER_EXPORT,
    'GET',
    `${plan(person)}/ledger/export?periodKey=2024-12`,
  );
}

async function readMyItems(person: Person) {
  const answer = await person.session.send<BreakdownView>(
    "liaison's items",
    'GET',
    `${plan(person)}/breakdowns/${person.session.user.departmentId}`,
  );
  if (answer) person.breakdown = answer.body;
}

async function readMyLedger(person: Person) {
  const answer = await person.session.send<DepartmentLedger>(
    "liaison's ledger",
    'GET',
    `${plan(person)}/ledger/departments/${person.session.user.departmentId}`,
  );
  if (answer) person.ledger = answer.body;
}

/** Edits one of the department's measures as read on the page earlier; a stale version is re-read and saved again. */
async function saveMeasure(person: Person) {
  if (!person.breakdown) await readMyItems(person);
  if (!person.breakdown) return;
  const hot = measuresOf(person.breakdown).slice(0, HOT_RECORDS);
  if (hot.length === 0) return;
  const chosen = pick(person, hot);
  let version = chosen.version;
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt += 1) {
    person.turn += 1;
    const text = `${chosen.text.replace(/（修改\d+）$/, '')}（修改${person.turn}）`.slice(0, 2000);
    const answer = await person.session.send<MeasureView | { error: { current?: MeasureView } }>(
      'save a measure (PATCH)',
      'PATCH',
      `${plan(person)}/breakdowns/${person.session.user.departmentId}/measures/${chosen.id}`,
      { json: { version, text }, conflictExpected: true },
    );
    if (!answer) return;
    if (answer.status === 200) {
      chosen.version = (answer.body as MeasureView).version;
      return;
    }
    // Someone else saved first: read the page again, as the user would, and save on the newer version.
    await readMyItems(person);
    const fresh = person.breakdown
      ? measuresOf(person.breakdown).find((measure) => measure.id === chosen.id)
      : undefined;
    if (!fresh) return;
    version = fresh.version;
  }
}

async function uploadEvidence(person: Person): Promise<EvidenceView | null> {
  person.turn += 1;
  const file = evidenceFile(person.turn);
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  const answer = await person.session.send<EvidenceView>(
    'upload evidence',
    'POST',
    '/api/v1/evidence',
    { form },
  );
  return answer?.body ?? null;
}

/** Reports this period's progress on one of the department's measures, citing a file uploaded first more often than not. */
async function reportProgress(person: Person) {
  if (!person.ledger) await readMyLedger(person);
  const ledger = person.ledger;
  const periodKey = ledger?.settings.currentPeriodKey;
  if (!ledger || !periodKey || ledger.breakdownStatus !== 'approved') return;
  const measure = pick(person, ledger.measures.slice(0, HOT_RECORDS));
  if (!measure) return;
  const evidence = person.random() < 0.6 ? await uploadEvidence(person) : null;
  let basedOnVersion =
    measure.periods.find((cell) => cell.periodKey === periodKey)?.versions.at(-1)?.version ?? 0;
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt += 1) {
    person.turn += 1;
    const answer = await person.session.send(
      'report progress',
      'POST',
      `${plan(person)}/ledger/departments/${person.session.user.departmentId}/reports`,
      {
        json: {
          measureId: measure.id,
          periodKey,
          basedOnVersion,
          status: pick(person, ['on_track', 'on_track', 'done', 'at_risk'] as const),
          text: `本月推进情况（第${person.turn}次报送）：召开专题会议，形成记录`,
          evidenceIds: evidence ? [evidence.id] : [],
        },
        conflictExpected: true,
      },
    );
    if (!answer) return;
    if (answer.status === 201) {
      person.ledger = null; // the page reloads after a report
      return;
    }
    await readMyLedger(person);
    basedOnVersion =
      person.ledger?.measures
        .find((entry) => entry.id === measure.id)
        ?.periods.find((cell) => cell.periodKey === periodKey)
        ?.versions.at(-1)?.version ?? basedOnVersion;
  }
}

function actionsOf(user: LoadUser): Action[] {
  switch (user.role) {
    case 'coordinator':
      return [
        [4, readDashboard],
        [3, readBoard],
        [4, readLedger],
        [2, readDepartmentBreakdown],
        [2, readDepartmentLedger],
        [2, readNotifications],
        [0.5, exportLedger],
      ];
    case 'leader':
      return [
        [6, readDashboard],
        [2, readBoard],
        [2, readLedger],
        [1, readNotifications],
      ];
    case 'liaison':
      return user.drafting
        ? [
            [3, readMyItems],
            [1, readMyLedger],
            [1, readNotifications],
            [5, saveMeasure],
          ]
        : [
            [3, readMyItems],
            [2, readMyLedger],
            [1, readNotifications],
            [4, reportProgress],
          ];
  }
}

function choose(person: Person, actions: Action[]): Action[1] {
  const total = actions.reduce((sum, [weight]) => sum + weight, 0);
  let at = person.random() * total;
  for (const [weight, run] of actions) {
    at -= weight;
    if (at < 0) return run;
  }
  return actions.at(-1)![1];
}

// ---------------------------------------------------------------- the run

export interface SimulationOptions {
  baseUrl: string;
  users: LoadUser[];
  password: string;
  durationSeconds: number;
  /** Think time between two actions of one person, uniformly between these, in seconds. */
  thinkSeconds: [number, number];
  /** How many people sign in at the same moment, at most. */
  signInConcurrency?: number;
  seed?: number;
  log?: (line: string) => void;
  /** Called when everyone has signed in and the simulated time starts. */
  onStart?: () => void;
}

export interface SimulationResult {
  users: number;
  signedIn: number;
  signInSeconds: number;
  durationSeconds: number;
  operations: OperationFigures[];
  /** Every request, arriving included; requestsPerSecond is of the simulated time alone. */
  totals: { requests: number; conflicts: number; errors: number; requestsPerSecond: number };
  errorSamples: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a crowd did in one period of acting (Crowd.act): the measured part, the warm-up left out. */
export interface Period {
  /** The people acting. */
  people: number;
  /** When the measured part started and ended (ms since the epoch), to match the server's samples. */
  measuredFrom: number;
  measuredTo: number;
  /** Seconds measured: from the end of the warm-up to the last answer. */
  elapsedSeconds: number;
  /** Actions (one role's step: a page read, a save with its re-reads, an upload and a report) started while measuring. */
  actions: number;
  /** Every request started while measuring, by operation (one action may send several). */
  operations: OperationFigures[];
  errorSamples: string[];
}

/**
 * Simulated people of one server, kept across periods of acting: they sign in once (`arrive`, a few
 * more each time if need be) and then act for a period, again and again (`act`), keeping their
 * sessions and what they last read, as the steps of a ramp (bench/load-users.ts --ramp) need.
 */
export class Crowd {
  readonly #people: Person[];
  readonly #signedIn: Person[] = [];
  readonly #seed: number;
  readonly #log: (line: string) => void;
  /** How many of the people have tried to sign in so far (in order). */
  #arrived = 0;
  #periods = 0;

  constructor(options: {
    baseUrl: string;
    users: LoadUser[];
    seed?: number;
    log?: (line: string) => void;
  }) {
    this.#seed = options.seed ?? 42;
    this.#log = options.log ?? (() => undefined);
    const departmentIds = [
      ...new Set(
        options.users.map((user) => user.departmentId).filter((id): id is string => id !== null),
      ),
    ];
    const nobody = new Recorder();
    this.#people = options.users.map((user, index) => ({
      session: new Session(options.baseUrl, nobody, user),
      random: randomStream(this.#seed * 1000 + index),
      planId: '',
      departmentIds,
      breakdown: null,
      ledger: null,
      turn: 0,
    }));
  }

  get size(): number {
    return this.#people.length;
  }
  get arrived(): number {
    return this.#arrived;
  }
  get signedIn(): number {
    return this.#signedIn.length;
  }

  /**
   * The next people, until `count` of them have tried, sign in (`concurrency` at a time, as
   * people arrive) and open the app: their session, the plans. Their requests are counted in
   * `recorder`. Resolves to the seconds it took.
   */
  async arrive(
    count: number,
    password: string,
    recorder: Recorder,
    concurrency = 4,
  ): Promise<number> {
    const arriving = this.#people.slice(this.#arrived, Math.min(count, this.#people.length));
    this.#arrived += arriving.length;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let person = arriving.shift(); person; person = arriving.shift()) {
          person.session.recorder = recorder;
          if (!(await person.session.signIn(password))) continue;
          await person.session.send('session', 'GET', '/api/v1/auth/session');
          const plans = await person.session.send<{ id: string }[]>(
            'plans',
            'GET',
            '/api/v1/plans',
          );
          const planId = plans?.body[0]?.id;
          if (!planId) continue;
          person.planId = planId;
          this.#signedIn.push(person);
        }
      }),
    );
    return (performance.now() - t0) / 1000;
  }

  /**
   * Everyone signed in acts: thinks, does what their role does, thinks again, first for
   * `warmupSeconds` (the first actions spread over a think time, so the rate settles; not
   * counted), then for `durationSeconds` measured. A request counts in the part it started in.
   */
  async act(options: {
    durationSeconds: number;
    warmupSeconds?: number;
    /** Think time between two actions of one person, uniformly between these, in seconds. */
    thinkSeconds: [number, number];
    /** Called when the measured part starts. */
    onStart?: () => void;
  }): Promise<Period> {
    const log = this.#log;
    const warmupSeconds = options.warmupSeconds ?? 0;
    // The first period draws the people's first pauses as `simulate` always has; each later one afresh.
    const random = randomStream(this.#seed + this.#periods * 7919);
    this.#periods += 1;
    const warmup = new Recorder();
    const recorder = new Recorder();
    let measuring = false;
    let actions = 0;
    for (const person of this.#signedIn) person.session.recorder = warmup;

    const [thinkMin, thinkMax] = options.thinkSeconds;
    const think = (person: Person) => (thinkMin + person.random() * (thinkMax - thinkMin)) * 1000;
    const startMeasuring = () => {
      measuring = true;
      for (const person of this.#signedIn) person.session.recorder = recorder;
      options.onStart?.();
    };
    let start = performance.now();
    let measuredFrom = Date.now();
    const end = start + (warmupSeconds + options.durationSeconds) * 1000;
    if (warmupSeconds === 0) startMeasuring();
    const warmupTimer =
      warmupSeconds > 0
        ? setTimeout(() => {
            start = performance.now();
            measuredFrom = Date.now();
            startMeasuring();
          }, warmupSeconds * 1000)
        : undefined;
    const progress = setInterval(
      () => {
        if (!measuring) return;
        const figures = recorder.figures((performance.now() - start) / 1000);
        const requests = figures.reduce((sum, entry) => sum + entry.count, 0);
        log(
          `  ${Math.round((performance.now() - start) / 1000)} s: ${requests} requests, ${figures.reduce((sum, entry) => sum + entry.errors, 0)} errors`,
        );
      },
      Math.max(5_000, Math.min(30_000, options.durationSeconds * 100)),
    );
    try {
      await Promise.all(
        this.#signedIn.map(async (person) => {
          // Not all at once: each person's first action comes after a think of its own.
          await sleep(random() * think(person));
          const choices = actionsOf(person.session.user);
          while (performance.now() < end) {
            if (measuring) actions += 1;
            await choose(person, choices)(person);
            const pause = think(person);
            if (performance.now() + pause >= end) break;
            await sleep(pause);
          }
        }),
      );
    } finally {
      clearTimeout(warmupTimer);
      clearInterval(progress);
    }
    if (!measuring) startMeasuring(); // a warm-up longer than everyone's actions: nothing measured
    const elapsedSeconds = (performance.now() - start) / 1000;
    return {
      people: this.#signedIn.length,
      measuredFrom,
      measuredTo: Date.now(),
      elapsedSeconds: Math.round(elapsedSeconds * 10) / 10,
      actions,
      operations: recorder.figures(elapsedSeconds),
      errorSamples: recorder.samples,
    };
  }
}

export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const log = options.log ?? (() => undefined);
  const crowd = new Crowd({
    baseUrl: options.baseUrl,
    users: options.users,
    seed: options.seed,
    log,
  });
  // Arriving (sign-in, the session, the plans) is counted apart from the rest: it happens before the clock starts.
  const arrivals = new Recorder();
  const signInSeconds = await crowd.arrive(
    options.users.length,
    options.password,
    arrivals,
    options.signInConcurrency,
  );
  log(`${crowd.signedIn} of ${crowd.size} signed in in ${signInSeconds.toFixed(1)} s`);
  const period = await crowd.act({
    durationSeconds: options.durationSeconds,
    thinkSeconds: options.thinkSeconds,
    onStart: options.onStart,
  });
  const operations = [...arrivals.figures(signInSeconds), ...period.operations];
  const requests = operations.reduce((sum, entry) => sum + entry.count, 0);
  const simulated = period.operations.reduce((sum, entry) => sum + entry.count, 0);
  return {
    users: crowd.size,
    signedIn: crowd.signedIn,
    signInSeconds: Math.round(signInSeconds * 10) / 10,
    durationSeconds: period.elapsedSeconds,
    operations,
    totals: {
      requests,
      conflicts: operations.reduce((sum, entry) => sum + entry.conflicts, 0),
      errors: operations.reduce((sum, entry) => sum + entry.errors, 0),
      requestsPerSecond: Math.round((simulated / period.elapsedSeconds) * 100) / 100,
    },
    errorSamples: [...arrivals.samples, ...period.errorSamples],
  };
}
