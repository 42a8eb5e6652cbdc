import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import { readDocumentBlocks } from '../../src/server/io/plan-document-reader';
import type { BoardRow, BreakdownView } from '../../src/shared/api/breakdowns';
import type { ConclusionView, ModerationView } from '../../src/shared/api/conclusion';
import type { PlanDetail } from '../../src/shared/api/contracts';
import type { EvidenceView } from '../../src/shared/api/evidence';
import type {
  FindingDetail,
  FindingList,
  NextYearPreview,
  StartNextYearResult,
} from '../../src/shared/api/findings';
import type { DepartmentLedger, ProgressReportView } from '../../src/shared/api/ledger';
import type { ComplianceView, ObligationView } from '../../src/shared/api/obligations';
import type { ReportDetail, ReportSummary } from '../../src/shared/api/reports';
import type { LogEntry, NotificationsView, SettingsView } from '../../src/shared/api/supervision';
import { samplePdf, samplePng } from '../support/evidence-files';
import {
  createInstitution,
  createTestApp,
  createUser,
  multipartFile,
  seedPlanFile,
  signIn,
  TEST_PASSWORD,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

/**
 * One institution runs the seed plan (2024) from its import to the quality report and the start
 * of 2025's plan, entirely through the HTTP API, while the clock walks through the year.
 * The departments followed closely:
 * - 工会 (items 8, 39): returned once, then approved; reports on time, late, and misses June for item 39;
 * - 保卫处 (item 53): on time throughout, with an evidence file;
 * - 财务处 (item 50): misses the 30 April deadline for its task breakdown, and reports May late;
 * - 外国语学院, a teaching unit added this year (every 各教学单位 item): the monthly obligation of item 49;
 * - 党政办公室 (item 2): the per-semester obligation.
 * Every other department of the seed stays silent all year, as some do.
 */

const clock = new ManualClock('2024-04-22T02:00:00Z');
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock });
});
afterAll(async () => t.close());

/** A Beijing wall-clock time (yyyy-mm-dd hh:mm) as the instant it is. */
const beijing = (day: string, time = '09:00') => new Date(`${day}T${time}:00+08:00`).toISOString();
const itemsOf = (view: BreakdownView) =>
  view.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));
const put = (client: SignedInClient, url: string, payload: unknown) =>
  client.request({ method: 'PUT', url, payload: payload as object });

describe('a whole year of the seed plan', () => {
  it("goes from the import to the quality report and next year's plan, with late work reminded and nothing dropped", async () => {
    // ---- who works here: accounts are made by the administrator; each person signs in again after every jump of the clock
    const { organization } = await createInstitution(t.db);
    const adminUser = await createUser(t.db, organization.id, 'admin');
    const coordinatorUser = await createUser(t.db, organization.id, 'coordinator');
    const people = new Map<string, string>([['coordinator', coordinatorUser.username]]);
    const as = (who: string) => signIn(t.app, people.get(who)!);
    /** The administrator creates an account; its owner signs in with the one-time password and chooses their own. */
    const logins: Record<string, string> = {
      工会: 'union',
      保卫处: 'security',
      财务处: 'finance',
      外国语学院: 'foreign',
      党政办公室: 'office',
      学生代表: 'student-rep',
    };
    async function account(who: string, role: 'liaison' | 'reviewer', departmentId?: string) {
      const admin = await signIn(t.app, adminUser.username);
      const created = await admin.post('/api/v1/users', {
        username: `${logins[who]}-${organization.id.slice(0, 6)}`,
        displayName: role === 'liaison' ? `${who}联络员` : who,
        role,
        ...(departmentId ? { departmentId } : {}),
      });
      expect(created.statusCode, created.body).toBe(201);
      const { user, oneTimePassword } = created.json() as {
        user: { username: string; mustChangePassword: boolean };
        oneTimePassword: string;
      };
      expect(user.mustChangePassword).toBe(true);
      const first = await signIn(t.app, user.username, oneTimePassword);
      expect((await first.get('/api/v1/departments')).json().error.code).toBe(
        'auth.password_change_required',
      );
      expect(
        (
          await first.post('/api/v1/auth/password', {
            currentPassword: oneTimePassword,
            newPassword: TEST_PASSWORD,
          })
        ).statusCode,
      ).toBe(200);
      people.set(who, user.username);
    }
    /** The clock moves on; sessions have timed out (30 idle minutes), so callers sign in afresh. */
    const at = (day: string, time = '09:00') => clock.set(beijing(day, time));

    // ======== 1. April 2024: import, departments, accounts, task breakdowns (due 30 April)
    at('2024-04-22', '10:00');
    let office = await as('coordinator');
    const { payload, headers } = multipartFile(
      '2024年教师党建和思想政治工作质量标准落实方案.txt',
      await readFile(seedPlanFile),
    );
    const imported = await office.request({
      method: 'POST',
      url: '/api/v1/imports/plan',
      payload,
      headers,
    });
    expect(imported.statusCode, imported.body).toBe(201);
    const planId: string = imported.json().planId;
    const added = await office.post('/api/v1/departments/batch', {
      names: ['外国语学院', '机械工程学院'],
      kind: 'teaching',
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(
      (added.json() as { name: string; kind: string }[]).map((department) => [
        department.name,
        department.kind,
      ]),
    ).toEqual([
      ['外国语学院', 'teaching'],
      ['机械工程学院', 'teaching'],
    ]);
    const departments = (await office.get('/api/v1/departments')).json() as {
      id: string;
      name: string;
      kind: string;
    }[];
    const idOf = (name: string) => departments.find((department) => department.name === name)!.id;
    const teachingUnits = departments
      .filter((department) => department.kind === 'teaching')
      .map((department) => department.name)
      .sort();
    expect(teachingUnits).toEqual(
      ['公共教学部', '外国语学院', '机械工程学院', '马克思主义学院'].sort(),
    );
    const tree = (await office.get(`/api/v1/plans/${planId}/tree`)).json() as {
      indicators: { title: string; children: { items: { id: string; no: number }[] }[] }[];
    };
    const itemId = new Map(
      tree.indicators
        .flatMap((level1) => level1.children.flatMap((level2) => level2.items))
        .map((item) => [item.no, item.id]),
    );
    const item = (no: number) => itemId.get(no)!;
    expect(itemId.size).toBe(60);

    for (const name of ['工会', '保卫处', '财务处', '外国语学院'])
      await account(name, 'liaison', idOf(name));
    await account('学生代表', 'reviewer');

    const breakdown = (name: string) => `/api/v1/plans/${planId}/breakdowns/${idOf(name)}`;
    /** A department writes one measure per item it answers for, names its liaison, and (unless told not to) submits. */
    async function fillBreakdown(name: string, options: { submit?: boolean } = {}) {
      const liaison = await as(name);
      const view: BreakdownView = (await liaison.get(breakdown(name))).json();
      for (const duty of itemsOf(view)) {
        const created = await liaison.post(`${breakdown(name)}/measures`, {
          itemId: duty.id,
          text: `${name}落实第${duty.no}项：制定年度计划，专人负责，按月推进`,
          deadline: { kind: 'yearly', dueOn: '2024-11-30' },
        });
        expect(created.statusCode, created.body).toBe(201);
      }
      expect(
        (
          await put(liaison, `${breakdown(name)}/liaison`, {
            name: `${name}王老师`,
            phone: '010-88561234',
            email: 'liaison@example.edu.cn',
          })
        ).statusCode,
      ).toBe(200);
      if (options.submit !== false)
        expect((await liaison.post(`${breakdown(name)}/submit`)).json().status).toBe('submitted');
      return itemsOf(view).map((duty) => duty.no);
    }
    const review = async (name: string, body: Record<string, unknown>) => {
      const response = await (await as('coordinator')).post(`${breakdown(name)}/review`, body);
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as BreakdownView;
    };

    at('2024-04-24');
    expect(await fillBreakdown('工会')).toEqual([8, 39]);
    expect(await fillBreakdown('保卫处')).toEqual([53]);
    // The new teaching unit answers for every item of 各教学单位, as the units named in the plan do.
    const foreignItems = await fillBreakdown('外国语学院');
    expect(foreignItems).toHaveLength(31);
    expect(foreignItems).toContain(49);
    expect(await fillBreakdown('财务处', { submit: false })).toEqual([50]);

    // 25 April: the office returns 工会's breakdown with a comment on item 39 only.
    at('2024-04-25');
    expect(
      (
        await review('工会', {
          decision: 'return',
          itemComments: { [item(39)]: '请写明民生项目清单的验收时间和责任人' },
        })
      ).status,
    ).toBe('returned');
    at('2024-04-26');
    let union = await as('工会');
    let unionView: BreakdownView = (await union.get(breakdown('工会'))).json();
    const returned39 = itemsOf(unionView).find((duty) => duty.no === 39)!;
    expect(returned39.returnComment).toBe('请写明民生项目清单的验收时间和责任人');
    expect(itemsOf(unionView).find((duty) => duty.no === 8)!.returnComment).toBeNull();
    const measure39 = returned39.measures[0]!;
    expect(
      (
        await union.patch(`${breakdown('工会')}/measures/${measure39.id}`, {
          version: measure39.version,
          text: '建立民生项目年度清单，11月底前由工会主席组织验收',
        })
      ).statusCode,
    ).toBe(200);
    expect((await union.post(`${breakdown('工会')}/submit`)).json().status).toBe('submitted');

    at('2024-04-28');
    unionView = await review('工会', { decision: 'approve', comment: '同意' });
    expect(unionView.history.map((event) => event.action)).toEqual([
      'submit',
      'return',
      'submit',
      'approve',
    ]);
    expect((await review('保卫处', { decision: 'approve' })).status).toBe('approved');
    expect((await review('外国语学院', { decision: 'approve' })).status).toBe('approved');

    // 1 May, 09:00: the deadline has passed. Only the departments that submitted are not late.
    at('2024-05-01');
    let board = (
      await (await as('coordinator')).get(`/api/v1/plans/${planId}/breakdowns`)
    ).json() as { dueOn: string; rows: BoardRow[] };
    expect(board.dueOn).toBe('2024-04-30');
    const rowOf = (name: string) => board.rows.find((row) => row.department.name === name)!;
    expect(rowOf('财务处')).toMatchObject({
      status: 'draft',
      itemCount: 1,
      itemsWithMeasures: 1,
      liaisonNamed: true,
      late: true,
    });
    for (const name of ['工会', '保卫处', '外国语学院'])
      expect(rowOf(name)).toMatchObject({ status: 'approved', late: false });
    expect(
      board.rows
        .filter((row) => !row.late)
        .map((row) => row.department.name)
        .sort(),
    ).toEqual(['保卫处', '外国语学院', '工会'].sort());
    expect(board.rows).toHaveLength(22); // the seed's 20 departments with duties and the two new teaching units

    // ======== 3a. Supervision, 1–2 May: the late breakdown is reminded once, however often the sweep runs
    office = await as('coordinator');
    const configured = await put(office, '/api/v1/supervision/settings', {
      version: 0,
      escalationDays: 2,
    });
    expect(configured.statusCode, configured.body).toBe(200);
    expect(configured.json() as SettingsView).toMatchObject({
      version: 1,
      escalationDays: 2,
      mailConfigured: false,
    });
    expect((await t.jobs.runDue()).done).toBeGreaterThanOrEqual(2); // today's sweep and this week's digest
    // Supervision's reminders (titled 【催办】, 【督办周报】 …), apart from the handover messages
    // each step writes (account opened, breakdown approved …), which notifications.test.ts covers.
    const inbox = async (who: string) => {
      const view = (await (await as(who)).get('/api/v1/notifications')).json() as NotificationsView;
      return { ...view, items: view.items.filter((entry) => entry.title.startsWith('【')) };
    };
    const log = async (query: string) =>
      (
        (await (await as('coordinator')).get(`/api/v1/supervision/log?${query}`)).json() as {
          entries: LogEntry[];
        }
      ).entries;
    const financeInbox = await inbox('财务处');
    expect(financeInbox.items.map((entry) => [entry.title, entry.link])).toEqual([
      ['【催办】财务处：1 项工作已逾期', '/breakdown'],
    ]);
    expect(financeInbox.items[0]!.body).toContain(
      '任务分解表（1 项指标）应于 2024-04-30 前报送，目前已填写但未报送，已逾期 1 天',
    );
    const financeLog = await log(`departmentId=${idOf('财务处')}`);
    expect(
      financeLog.map((entry) => [
        entry.day,
        entry.level,
        entry.channel,
        entry.status,
        entry.subjectKind,
      ]),
    ).toEqual([['2024-05-01', 'liaison', 'in_app', 'sent', 'breakdown']]);
    expect(financeLog[0]!.recipient).toBe(people.get('财务处'));
    // Departments on time get no reminder; the office gets the week's digest in-app.
    expect((await inbox('工会')).items).toEqual([]);
    expect((await inbox('coordinator')).items.map((entry) => entry.title)).toEqual([
      expect.stringMatching(/^【督办周报】2024-04-29 起一周：\d+ 个部门 \d+ 项工作逾期$/),
    ]);
    // The same day again: the schedule makes no second job, and a second sweep job sends nothing.
    expect((await t.jobs.runDue()).done).toBe(0);
    const again = await t.jobs.enqueue(t.db, {
      kind: 'supervision.sweepOrganization',
      organizationId: organization.id,
      payload: { organizationId: organization.id, day: '2024-05-01' },
    });
    await t.jobs.runDue();
    const rerun = (await (await as('coordinator')).get(`/api/v1/jobs/${again.job.id}`)).json();
    expect(rerun).toMatchObject({
      status: 'done',
      result: { today: '2024-05-01', sent: 0, failed: 0 },
    });
    expect((await inbox('财务处')).items).toHaveLength(1);
    // 2 May: still late, already reminded; no head is on file and e-mail is off, so nothing more goes out.
    at('2024-05-02');
    await t.jobs.runDue();
    expect((await inbox('财务处')).items).toHaveLength(1);
    expect(await log(`departmentId=${idOf('财务处')}`)).toHaveLength(1);

    // 6 May: 财务处 submits at last, and is approved.
    at('2024-05-06');
    expect((await (await as('财务处')).post(`${breakdown('财务处')}/submit`)).json().status).toBe(
      'submitted',
    );
    expect((await review('财务处', { decision: 'approve' })).status).toBe('approved');
    board = (await (await as('coordinator')).get(`/api/v1/plans/${planId}/breakdowns`)).json();
    expect(rowOf('财务处')).toMatchObject({ status: 'approved', late: false });

    // ======== 2. The progress ledger: monthly periods May–October, due on the 5th of the next month
    const ledgerSettings = await put(
      await as('coordinator'),
      `/api/v1/plans/${planId}/ledger/settings`,
      { frequency: 'monthly', dueDay: 5, firstPeriod: '2024-05', lastPeriod: '2024-10' },
    );
    expect(ledgerSettings.statusCode, ledgerSettings.body).toBe(200);
    expect(
      ledgerSettings
        .json()
        .periods.map((period: { key: string; dueOn: string }) => `${period.key}→${period.dueOn}`),
    ).toEqual([
      '2024-05→2024-06-05',
      '2024-06→2024-07-05',
      '2024-07→2024-08-05',
      '2024-08→2024-09-05',
      '2024-09→2024-10-05',
      '2024-10→2024-11-05',
    ]);
    const ledger = (name: string) => `/api/v1/plans/${planId}/ledger/departments/${idOf(name)}`;
    const measuresOf = async (name: string) =>
      ((await (await as(name)).get(ledger(name))).json() as DepartmentLedger).measures;
    const unionMeasures = await measuresOf('工会');
    const [m8, m39] = [
      unionMeasures.find((measure) => measure.item.no === 8)!,
      unionMeasures.find((measure) => measure.item.no === 39)!,
    ];
    const [m53] = await measuresOf('保卫处');
    const [m50] = await measuresOf('财务处');
    const foreignMeasures = await measuresOf('外国语学院');
    expect(foreignMeasures).toHaveLength(31);
    /** Evidence cited anywhere in the plan's records, as the report counts it. */
    const cited = new Set<string>();
    async function progress(
      name: string,
      measureId: string,
      periodKey: string,
      status: string,
      evidenceIds: string[] = [],
    ) {
      const response = await (await as(name)).post(`${ledger(name)}/reports`, {
        measureId,
        periodKey,
        basedOnVersion: 0,
        status,
        text: `${periodKey}：${status === 'done' ? '已完成' : '按计划推进'}`,
        evidenceIds,
      });
      expect(response.statusCode, response.body).toBe(201);
      for (const id of evidenceIds) cited.add(id);
      return response.json() as ProgressReportView;
    }

    // 3 June: May's reports, on time (due 5 June). 保卫处 is done, with the meeting minutes as a PDF.
    at('2024-06-03');
    expect((await progress('工会', m8!.id, '2024-05', 'on_track')).late).toBe(false);
    expect((await progress('工会', m39!.id, '2024-05', 'on_track')).late).toBe(false);
    const minutes = multipartFile(
      '保卫处安全稳定工作会议纪要.pdf',
      samplePdf('minutes of the May meeting'),
    );
    const uploaded = await (await as('保卫处')).request({
      method: 'POST',
      url: '/api/v1/evidence',
      payload: minutes.payload,
      headers: minutes.headers,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const minutesEvidence = uploaded.json() as EvidenceView;
    expect(minutesEvidence).toMatchObject({
      title: '保卫处安全稳定工作会议纪要.pdf',
      mediaType: 'application/pdf',
    });
    const securityReport = await progress('保卫处', m53!.id, '2024-05', 'done', [
      minutesEvidence.id,
    ]);
    expect(securityReport).toMatchObject({
      late: false,
      status: 'done',
      evidence: [{ id: minutesEvidence.id }],
    });
    for (const measure of foreignMeasures)
      await progress('外国语学院', measure.id, '2024-05', 'done');
    // 10 June: 财务处 reports May five days late.
    at('2024-06-10');
    expect((await progress('财务处', m50!.id, '2024-05', 'on_track')).late).toBe(true);
    // 3 July: 财务处 is done, on time for June.
    at('2024-07-03');
    expect((await progress('财务处', m50!.id, '2024-06', 'done')).late).toBe(false);

    // ======== 3b. Supervision, 6–7 July: 工会 has not reported June (due 5 July) for either measure
    at('2024-07-06');
    await t.jobs.runDue();
    const unionInbox = await inbox('工会');
    expect(unionInbox.items.map((entry) => [entry.title, entry.link])).toEqual([
      ['【催办】工会：2 项工作已逾期', '/progress'],
    ]);
    expect(unionInbox.items[0]!.body).toContain('2024年6月的进度应于 2024-07-05 前报送，尚未报送');
    const unionLog = await log(`departmentId=${idOf('工会')}&level=liaison`);
    expect(
      unionLog.map((entry) => [entry.day, entry.subjectKey, entry.channel, entry.status]).sort(),
    ).toEqual(
      [m8!.id, m39!.id]
        .map((id) => ['2024-07-06', `period_report:${id}:2024-06`, 'in_app', 'sent'])
        .sort(),
    );
    const nothingTwice = await t.jobs.enqueue(t.db, {
      kind: 'supervision.sweepOrganization',
      organizationId: organization.id,
      payload: { organizationId: organization.id, day: '2024-07-06' },
    });
    await t.jobs.runDue();
    expect(
      (await (await as('coordinator')).get(`/api/v1/jobs/${nothingTwice.job.id}`)).json(),
    ).toMatchObject({ status: 'done', result: { sent: 0, failed: 0 } });
    at('2024-07-07');
    await t.jobs.runDue();
    expect((await inbox('工会')).items).toHaveLength(1);
    expect(await log(`departmentId=${idOf('工会')}`)).toHaveLength(2);
    // Every reminder ever sent is in the log once: no subject reached the same person twice at the same level.
    const everything = await log('status=sent&limit=1000');
    const attempts = everything.map(
      (entry) => `${entry.subjectKey}|${entry.level}|${entry.channel}|${entry.recipient}`,
    );
    expect(new Set(attempts).size).toBe(attempts.length);

    // 8 July: 工会 reports item 8 done for June, three days late; June of item 39 is never reported.
    at('2024-07-08');
    expect((await progress('工会', m8!.id, '2024-06', 'done')).late).toBe(true);
    // 2 August: item 39 done in July, on time.
    at('2024-08-02');
    expect((await progress('工会', m39!.id, '2024-07', 'done')).late).toBe(false);
    const states = (await measuresOf('工会')).map((measure) => [
      measure.item.no,
      measure.periods.map((period) => period.state),
    ]);
    expect(states).toEqual([
      [8, ['reported', 'late', 'closed', 'closed', 'closed', 'closed']],
      [39, ['reported', 'missing', 'reported', 'closed', 'closed', 'closed']],
    ]);

    // ======== 4. Obligations (2 September, the autumn semester begins)
    at('2024-09-02');
    office = await as('coordinator');
    const proposed = await office.post(`/api/v1/plans/${planId}/obligations/propose`);
    expect(proposed.statusCode, proposed.body).toBe(200);
    const obligations = (await office.get(`/api/v1/plans/${planId}/obligations`)).json()
      .obligations as ObligationView[];
    expect(obligations.every((entry) => entry.status === 'proposed')).toBe(true);
    const monthly = obligations.find((entry) => entry.item.no === 49)!;
    expect(monthly).toMatchObject({
      kind: 'frequency',
      period: 'month',
      minimumCount: 1,
      scope: 'each_department',
      source: { phrase: '每月开展1次' },
    });
    expect(monthly.departments.map((department) => department.name).sort()).toEqual(teachingUnits);
    const semester = obligations.find((entry) => entry.item.no === 2)!;
    expect(semester).toMatchObject({
      period: 'semester',
      minimumCount: 1,
      scope: 'institution',
      departments: [{ name: '党政办公室' }],
    });
    for (const obligation of [monthly, semester]) {
      const confirmed = await office.patch(`/api/v1/plans/${planId}/obligations/${obligation.id}`, {
        version: obligation.version,
        status: 'confirmed',
      });
      expect(confirmed.json()).toMatchObject({
        status: 'confirmed',
        version: obligation.version + 1,
      });
    }
    await account('党政办公室', 'liaison', idOf('党政办公室'));
    const occurrence = async (
      name: string,
      obligationId: string,
      occurredOn: string,
      description: string,
      evidenceIds: string[] = [],
    ) => {
      const response = await (await as(name)).post(
        `/api/v1/plans/${planId}/obligations/${obligationId}/occurrences`,
        { departmentId: idOf(name), occurredOn, description, evidenceIds },
      );
      expect(response.statusCode, response.body).toBe(201);
      for (const id of evidenceIds) cited.add(id);
    };
    const photo = multipartFile('5月理论学习现场.png', samplePng());
    const photoEvidence = (
      await (
        await as('外国语学院')
      ).request({
        method: 'POST',
        url: '/api/v1/evidence',
        payload: photo.payload,
        headers: photo.headers,
      })
    ).json() as EvidenceView;
    await occurrence('外国语学院', monthly.id, '2024-05-15', '教工党支部5月集中理论学习', [
      photoEvidence.id,
    ]);
    await occurrence('外国语学院', monthly.id, '2024-06-12', '教工党支部6月集中理论学习');
    await occurrence('外国语学院', monthly.id, '2024-08-30', '教工党支部8月集中理论学习');
    await occurrence('党政办公室', semester.id, '2024-05-10', '党委常委会专题研究教师思想政治工作');
    // 8 October: September's, recorded a week into October (it still counts: the month had one).
    at('2024-10-08');
    await occurrence('外国语学院', monthly.id, '2024-09-20', '教工党支部9月集中理论学习');
    const compliance = (
      await (
        await as('coordinator')
      ).get(`/api/v1/plans/${planId}/obligations/compliance?obligationId=${monthly.id}`)
    ).json() as ComplianceView;
    const foreignRow = compliance.rows.find((row) => row.department?.name === '外国语学院')!;
    expect(foreignRow.periods.map((period) => `${period.label}:${period.status}`)).toEqual([
      '2024-04:late',
      '2024-05:met',
      '2024-06:met',
      '2024-07:late',
      '2024-08:met',
      '2024-09:met',
      '2024-10:in-progress',
      '2024-11:upcoming',
    ]);
    expect(
      compliance.rows
        .find((row) => row.department?.name === '机械工程学院')!
        .periods.filter((period) => period.status === 'late'),
    ).toHaveLength(6);
    const semesterCompliance = (
      await (
        await as('党政办公室')
      ).get(`/api/v1/plans/${planId}/obligations/compliance?obligationId=${semester.id}`)
    ).json() as ComplianceView;
    expect(
      semesterCompliance.rows[0]!.periods.map((period) => `${period.label}:${period.status}`),
    ).toEqual(['2023-2024学年第二学期:met', '2024-2025学年第一学期:in-progress']);

    // ======== 5. Conclude (late October – November): summaries, self-assessment, moderation
    at('2024-10-28');
    const conclusion = (name: string) => `/api/v1/plans/${planId}/conclusion/${idOf(name)}`;
    const summaries = {
      工会: '建立“工会+思政”工作机制，民生项目清单全部落地',
      保卫处: '校园安全稳定形势持续向好，全年无重大事件',
      财务处: '教师思政工作经费单列并足额保障',
    } as const;
    async function conclude(
      name: keyof typeof summaries | '外国语学院',
      ratings: Record<number, [string, string]>,
      options: { submit?: boolean; evidenceIds?: string[] } = {},
    ) {
      const liaison = await as(name);
      const highlights = name === '外国语学院' ? '课程思政示范课建设（草稿）' : summaries[name];
      const saved = await put(liaison, `${conclusion(name)}/summary`, {
        version: 0,
        highlights,
        results: `${name}全年任务按期完成`,
        cases: `${name}典型案例一则`,
        evidenceIds: options.evidenceIds ?? [],
      });
      expect(saved.statusCode, saved.body).toBe(200);
      for (const id of options.evidenceIds ?? []) cited.add(id);
      for (const [no, [rating, justification]] of Object.entries(ratings)) {
        const rated = await put(liaison, `${conclusion(name)}/items/${item(Number(no))}`, {
          version: 0,
          rating,
          justification,
        });
        expect(rated.statusCode, rated.body).toBe(200);
      }
      if (options.submit === false)
        return (await liaison.get(conclusion(name))).json() as ConclusionView;
      const submitted = await liaison.post(`${conclusion(name)}/submit`);
      expect(submitted.statusCode, submitted.body).toBe(200);
      return submitted.json() as ConclusionView;
    }
    const newsLink = (
      await (
        await as('工会')
      ).post('/api/v1/evidence/links', {
        title: '工会民生项目验收新闻',
        url: 'https://news.example.edu.cn/union-2024',
      })
    ).json() as EvidenceView;
    expect(
      await conclude(
        '工会',
        {
          8: ['达标', '年度计划已纳入教师思政内容，按月推进'],
          39: ['基本达标', '民生清单已建立，个别项目验收滞后'],
        },
        { evidenceIds: [newsLink.id] },
      ),
    ).toMatchObject({ next: 'submitted', rated: 2 });
    expect(
      await conclude('保卫处', { 53: ['基本达标', '师生思想动态研判机制已建立，报送频次不足'] }),
    ).toMatchObject({ next: 'submitted', rated: 1 });
    expect(await conclude('财务处', { 50: ['达标', '经费单列，足额拨付'] })).toMatchObject({
      next: 'submitted',
      rated: 1,
    });
    // The new unit rates item 49 and leaves its summary as a draft: it is not in the report's highlights.
    expect(
      await conclude(
        '外国语学院',
        { 49: ['基本达标', '8个月中4个月开展了理论学习'] },
        { submit: false },
      ),
    ).toMatchObject({ next: 'rate_items', rated: 1, summary: { status: 'draft' } });

    // 15 November: the office moderates into the institution's rating.
    at('2024-11-15');
    office = await as('coordinator');
    let moderation = (
      await office.get(`/api/v1/plans/${planId}/moderation`)
    ).json() as ModerationView;
    const row39 = moderation.rows.find((row) => row.no === 39)!;
    expect(
      row39.departments.map((department) => [department.name, department.rating?.rating]),
    ).toEqual([['工会', '基本达标']]);
    const institution: Record<number, string> = {
      8: '达标',
      39: '基本达标',
      49: '基本达标',
      50: '达标',
      53: '未达标',
    };
    for (const [no, rating] of Object.entries(institution)) {
      const moderated = await put(
        office,
        `/api/v1/plans/${planId}/moderation/${item(Number(no))}`,
        { version: 0, rating, note: no === '53' ? '报送频次未达到每月要求' : '' },
      );
      expect(moderated.statusCode, moderated.body).toBe(200);
    }
    moderation = (await office.get(`/api/v1/plans/${planId}/moderation`)).json();
    expect(moderation.rows.find((row) => row.no === 53)!.institution).toMatchObject({
      rating: '未达标',
      score: 0,
      note: '报送频次未达到每月要求',
    });
    const rollup = Object.fromEntries(
      moderation.rollups.level1.map((entry) => [entry.title, [entry.rated, entry.meanScore]]),
    );
    expect(rollup).toEqual({
      党的领导: [1, 100],
      立德树人: [0, null],
      精准供给: [1, 60],
      条件保障: [2, 80],
      持续改进: [1, 0],
    });
    expect(
      moderation.rollups.level1.find((entry) => entry.title === '条件保障')!.distribution,
    ).toEqual([
      { label: '达标', count: 1 },
      { label: '基本达标', count: 1 },
      { label: '未达标', count: 0 },
    ]);

    // ======== 6. Findings (查摆问题): one to put right at once, one carried into next year
    const finding = async (body: Record<string, unknown>) => {
      const response = await (await as('coordinator')).post(
        `/api/v1/plans/${planId}/findings`,
        body,
      );
      expect(response.statusCode, response.body).toBe(201);
      return response.json() as FindingDetail;
    };
    const immediate = await finding({
      title: '民生项目验收滞后',
      description: '个别民生项目未按期验收',
      kind: 'immediate',
      ownerDepartmentId: idOf('工会'),
      departmentIds: [],
      itemIds: [item(39)],
      dueOn: '2024-11-30',
    });
    const carried = await finding({
      title: '思政工作经费长效保障机制尚未建立',
      description: '经费逐年单列，但未形成制度',
      kind: 'carried_over',
      ownerDepartmentId: idOf('财务处'),
      departmentIds: [idOf('党委教师工作部')],
      itemIds: [item(50)],
      dueOn: '2024-11-30',
    });
    expect([immediate.no, carried.no]).toEqual([1, 2]);
    at('2024-11-18');
    union = await as('工会');
    const acceptance = (
      await union.post('/api/v1/evidence/links', {
        title: '民生项目验收报告',
        url: 'https://example.edu.cn/union/acceptance',
      })
    ).json() as EvidenceView;
    const acted = (
      await union.post(`/api/v1/plans/${planId}/findings/${immediate.id}/actions`, {
        version: immediate.version,
        text: '逐项验收民生项目，形成验收报告',
        evidenceIds: [acceptance.id],
      })
    ).json() as FindingDetail;
    expect(acted).toMatchObject({ state: 'in_progress', actionCount: 1 });
    cited.add(acceptance.id);
    const asked = (
      await union.post(`/api/v1/plans/${planId}/findings/${immediate.id}/request-verification`, {
        version: acted.version,
        comment: '已整改完毕，请核验',
      })
    ).json() as FindingDetail;
    expect(asked.state).toBe('awaiting_verification');
    expect(
      (
        await union.post(`/api/v1/plans/${planId}/findings/${immediate.id}/verify`, {
          version: asked.version,
        })
      ).statusCode,
    ).toBe(403);
    at('2024-11-19');
    const verified = (
      await (
        await as('coordinator')
      ).post(`/api/v1/plans/${planId}/findings/${immediate.id}/verify`, {
        version: asked.version,
        note: '验收报告齐全',
      })
    ).json() as FindingDetail;
    expect(verified.state).toBe('verified');
    expect(verified.events.map((event) => event.action)).toEqual([
      'create',
      'record_action',
      'request_verification',
      'verify',
    ]);

    // ======== 7. The quality report (20 November)
    at('2024-11-20');
    office = await as('coordinator');
    const requested = await office.post(`/api/v1/plans/${planId}/reports`);
    expect(requested.statusCode, requested.body).toBe(202);
    const reportId = (requested.json() as ReportSummary).id;
    await t.jobs.runDue();
    const report = (await office.get(`/api/v1/reports/${reportId}`)).json() as ReportDetail;
    expect(report).toMatchObject({ status: 'ready', progress: 100, version: 1, publishedAt: null });
    const content = report.content!;
    expect(content).toMatchObject({
      asOf: '2024-11-20',
      plan: { id: planId, cycleYear: 2024 },
      organizationName: organization.name,
    });
    // Measures: 工会 2, 保卫处 1, 财务处 1, 外国语学院 31 — all done. Period reports due by 20 November and not
    // closed by an earlier "done": 工会 May+June (item 8) and May+June+July (39); 保卫处 May; 财务处 May+June; 外国语学院 May ×31.
    expect(content.totals).toMatchObject({
      items: 60,
      departments: 22,
      measures: 35,
      periodReports: 38,
      evidence: cited.size,
    });
    const rates = (name: string) => {
      const row = content.completion.byDepartment.find((entry) => entry.name === name)!;
      return [
        row.completion.numerator,
        row.completion.denominator,
        row.completion.value,
        row.onTime.numerator,
        row.onTime.denominator,
        row.onTime.value,
      ];
    };
    expect(rates('工会')).toEqual([2, 2, 100, 3, 5, 60]);
    expect(rates('保卫处')).toEqual([1, 1, 100, 1, 1, 100]);
    expect(rates('财务处')).toEqual([1, 1, 100, 1, 2, 50]);
    expect(rates('外国语学院')).toEqual([31, 31, 100, 31, 31, 100]);
    expect(rates('党政办公室')).toEqual([0, 0, null, 0, 0, null]);
    expect(content.completion.overall.onTime).toMatchObject({
      numerator: 36,
      denominator: 39,
      value: 92.3,
    });
    // Obligations: item 2 met for the spring semester (autumn still running); item 49 for April–October
    // in four units: 外国语学院 met May, June, August, September; every other month of every unit is late.
    const obligationRows = Object.fromEntries(
      content.obligations.rows.map((row) => [
        row.itemNo,
        [row.met.numerator, row.met.denominator, row.late],
      ]),
    );
    expect(obligationRows).toEqual({ 2: [1, 1, 0], 49: [4, 28, 24] });
    expect(content.obligations.overall).toMatchObject({ numerator: 5, denominator: 29 });
    expect(content.selfAssessment.distribution.map((level) => [level.label, level.count])).toEqual([
      ['达标', 2],
      ['基本达标', 2],
      ['未达标', 1],
    ]);
    expect(content.selfAssessment.unrated).toBe(55);
    expect(
      Object.fromEntries(
        content.selfAssessment.byLevel1.map((entry) => [entry.title, entry.meanScore]),
      ),
    ).toEqual({ 党的领导: 100, 立德树人: null, 精准供给: 60, 条件保障: 80, 持续改进: 0 });
    expect(content.findings).toMatchObject({
      total: 2,
      overdue: 0,
      carriedOver: 1,
      closedRate: { numerator: 1, denominator: 2, value: 50 },
    });
    expect(content.findings.byState.map((entry) => [entry.state, entry.count])).toEqual([
      ['open', 1],
      ['verified', 1],
    ]);
    expect(content.highlights.map((entry) => [entry.department, entry.text]).sort()).toEqual(
      Object.entries(summaries).sort(),
    );

    // The .docx a Chinese office would send.
    const docx = await office.get(`/api/v1/reports/${reportId}/docx`);
    expect(docx.statusCode).toBe(200);
    expect(docx.headers['content-type']).toContain('wordprocessingml');
    expect(report.docxBytes).toBe(docx.rawPayload.length);
    const { blocks } = await readDocumentBlocks({
      bytes: docx.rawPayload,
      fileName: 'report.docx',
    });
    const paragraphs = blocks.flatMap((block) => (block.kind === 'paragraph' ? [block.text] : []));
    const tableRows = blocks.flatMap((block) =>
      block.kind === 'table' ? block.rows.map((row) => row.cells.join('|')) : [],
    );
    expect(paragraphs[0]).toBe(content.title);
    expect(content.title).toContain('2024年度');
    for (const heading of [
      '一、总体情况',
      '二、任务落实情况',
      '三、量化要求达成情况',
      '四、自评自测结果',
      '五、问题查摆与整改情况',
      '六、工作亮点',
    ])
      expect(paragraphs).toContain(heading);
    expect(tableRows).toContain('工会|100%（2/2）|60%（3/5）');
    expect(tableRows).toContain('财务处|100%（1/1）|50%（1/2）');
    expect(paragraphs).toContain(`工会：${summaries.工会}`);

    // Published, then reviewed by a representative; the office sees the aggregate.
    expect((await office.post(`/api/v1/reports/${reportId}/publish`)).statusCode).toBe(200);
    const reviewer = await as('学生代表');
    const reviewed = await put(reviewer, `/api/v1/reports/${reportId}/review`, {
      representing: 'student',
      scores: { overall: 4, accuracy: 5, problems: 4, rectification: 3 },
      comment: '数据翔实，问题查摆到位',
    });
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    expect(
      ((await office.get(`/api/v1/reports/${reportId}`)).json() as ReportDetail).reviews,
    ).toMatchObject({
      reviewers: 1,
      means: { overall: 4, accuracy: 5, problems: 4, rectification: 3 },
      comments: [{ group: 'student', comment: '数据翔实，问题查摆到位' }],
    });

    // The per-department performance sheet (item 58), with its formula.
    const sheetResponse = await office.get(`/api/v1/plans/${planId}/performance-sheet`);
    expect(sheetResponse.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(sheetResponse.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const sheetRow = (name: string) => {
      const row = [...Array(sheet.rowCount).keys()]
        .map((index) => sheet.getRow(index + 1))
        .find((candidate) => candidate.getCell(1).value === name)!;
      return [2, 3, 4, 5]
        .map((column) => row.getCell(column).value)
        .concat((row.getCell(6).value as { result: number }).result);
    };
    // 工会: done 100, on time 60, own ratings (达标 100 + 基本达标 60) / 2 = 80, its one finding verified 100.
    expect(sheetRow('工会')).toEqual([100, 60, 80, 100, 84]);
    // 财务处: 100, 50, 100; its one finding is carried over and not yet due, so nothing is to be
    // verified: 不适用, and the other three lines share its weight.
    expect(sheetRow('财务处')).toEqual([100, 50, 100, '不适用', 83.3]);

    // ======== 8. Next year (2 December): 2025's plan, with the open carried-over finding brought along
    at('2024-12-02');
    office = await as('coordinator');
    const preview = (
      await office.get(`/api/v1/plans/${planId}/next-year`)
    ).json() as NextYearPreview;
    expect(preview).toMatchObject({ cycleYear: 2025, existingPlanId: null, blocking: [] });
    expect(preview.carried.map((entry) => entry.id)).toEqual([carried.id]);
    const startedNext = await office.post(`/api/v1/plans/${planId}/next-year`, {});
    expect(startedNext.statusCode, startedNext.body).toBe(201);
    const next = startedNext.json() as StartNextYearResult;
    expect(next.cycleYear).toBe(2025);
    expect(next.carried.map((entry) => entry.fromFindingId)).toEqual([carried.id]);
    const source = (await office.get(`/api/v1/plans/${planId}`)).json() as PlanDetail;
    const copy = (await office.get(`/api/v1/plans/${next.planId}`)).json() as PlanDetail;
    expect(copy).toMatchObject({
      cycleYear: 2025,
      standardId: source.standardId,
      title: source.title,
      counts: source.counts,
    });
    expect(
      copy.deliverables.find((deliverable) => deliverable.kind === 'task_breakdown')!.dueOn,
    ).toBe('2025-04-30');
    // The same departments answer for the same items, the new teaching unit included.
    const nextForeign = (
      await (
        await as('外国语学院')
      ).get(`/api/v1/plans/${next.planId}/breakdowns/${idOf('外国语学院')}`)
    ).json() as BreakdownView;
    expect(itemsOf(nextForeign).map((duty) => duty.no)).toEqual(foreignItems);
    expect(nextForeign.status).toBe('not_started');
    const nextBoard = (await office.get(`/api/v1/plans/${next.planId}/breakdowns`)).json() as {
      rows: BoardRow[];
    };
    expect(nextBoard.rows.map((row) => row.department.name).sort()).toEqual(
      board.rows.map((row) => row.department.name).sort(),
    );
    // Nothing dropped: each old finding is verified, or carried over into the new plan pointing back at its origin.
    const oldFindings = (
      (await office.get(`/api/v1/plans/${planId}/findings`)).json() as FindingList
    ).rows;
    expect(oldFindings.map((row) => [row.no, row.state]).sort()).toEqual([
      [1, 'verified'],
      [2, 'carried_over'],
    ]);
    const origin = (
      await office.get(`/api/v1/plans/${planId}/findings/${carried.id}`)
    ).json() as FindingDetail;
    expect(origin).toMatchObject({
      state: 'carried_over',
      transitions: [],
      carriedTo: { planId: next.planId, cycleYear: 2025 },
    });
    const newFindings = (
      (await office.get(`/api/v1/plans/${next.planId}/findings`)).json() as FindingList
    ).rows;
    expect(newFindings).toHaveLength(1);
    const arrived = (
      await (
        await as('财务处')
      ).get(`/api/v1/plans/${next.planId}/findings/${origin.carriedTo!.id}`)
    ).json() as FindingDetail;
    expect(arrived).toMatchObject({
      title: carried.title,
      kind: 'carried_over',
      state: 'open',
      dueOn: '2025-11-30',
      ownerDepartment: { name: '财务处' },
      items: [{ no: 50 }],
      origin: { id: carried.id, cycleYear: 2024 },
      transitions: ['record_action'],
    });
    expect(arrived.departments.map((department) => department.name)).toEqual([
      '财务处',
      '党委教师工作部',
    ]);
  }, 180_000);
});
