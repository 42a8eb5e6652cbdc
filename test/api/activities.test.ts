import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ActivityList,
  CoverageView,
  SignInSheetResult,
} from '../../src/shared/api/activities';
import { importRoster, rosterSheet, teachersOf } from '../support/roster';
import {
  createInstitution,
  createTestApp,
  createUser,
  multipartFile,
  signIn,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set('2024-11-20T02:00:00Z');
});
afterAll(async () => t.close());

async function signInSheet(rows: string[][]) {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('签到');
  sheet.addRow(['2024年青年教师国情研修签到表']);
  sheet.addRow(['序号', '姓名', '工号', '签名']);
  rows.forEach((row, index) => sheet.addRow([String(index + 1), ...row]));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('activities and coverage', () => {
  it('records a 国情研修 from a sign-in sheet and counts coverage of young teachers, naming the missing for the office and the department only', async () => {
    const { organization, departments } = await createInstitution(t.db, [
      { name: '马克思主义学院', kind: 'teaching' },
      { name: '外国语学院', kind: 'teaching' },
    ]);
    const coordinator = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'coordinator')).username,
    );
    const liaison = await signIn(
      t.app,
      (
        await createUser(t.db, organization.id, 'liaison', {
          departmentId: departments['外国语学院']!.id,
        })
      ).username,
    );
    const leader = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'leader')).username,
    );
    await importRoster(
      coordinator,
      await rosterSheet([
        ...teachersOf('马克思主义学院', 'M', 6),
        ...teachersOf('外国语学院', 'W', 4),
      ]),
    );

    const kind = (
      await coordinator.post('/api/v1/activity-kinds', { name: '国情研修', itemNos: [36] })
    ).json();
    const rule = await coordinator.post('/api/v1/coverage-rules', {
      kindId: kind.id,
      name: '青年教师每年至少参加1次国情研修',
      population: 'young',
      frequency: 'yearly',
      itemNo: 36,
    });
    expect(rule.statusCode).toBe(201);

    // young: M001 M003 M005, W001 W003 (even indices born 1992)
    const { payload, headers } = multipartFile(
      '签到表.xlsx',
      await signInSheet([
        ['马老师1', 'M001'],
        ['马老师3', ''],
        ['查无此人', 'X999'],
      ]),
    );
    const sheet = await liaison.request({
      method: 'POST',
      url: '/api/v1/activities/sign-in-sheet',
      payload,
      headers,
    });
    expect(sheet.statusCode).toBe(200);
    const read = sheet.json() as SignInSheetResult;
    expect(read.matched.map((row) => row.workNo)).toEqual(['M001', 'M003']);
    expect(read.unmatched).toEqual([{ row: 5, text: 'X999 查无此人' }]);

    const recorded = await coordinator.post('/api/v1/activities', {
      kindId: kind.id,
      departmentId: departments['马克思主义学院']!.id,
      title: '延安国情研修班',
      heldOn: '2024-07-10',
      participantIds: read.matched.map((row) => row.id),
    });
    expect(recorded.statusCode).toBe(201);
    // a liaison records only for their own department
    const elsewhere = await liaison.post('/api/v1/activities', {
      kindId: kind.id,
      departmentId: departments['马克思主义学院']!.id,
      title: 'x',
      heldOn: '2024-07-10',
      participantIds: [],
    });
    expect(elsewhere.statusCode).toBe(403);

    const coverage = (await coordinator.get('/api/v1/coverage')).json() as CoverageView;
    const [figure] = coverage.rules;
    expect(figure!.window).toEqual({ from: '2024-01-01', to: '2024-11-20' });
    expect(figure!.institution).toEqual({ required: 5, covered: 2, rate: 40 });
    const marx = figure!.departments.find((row) => row.name === '马克思主义学院')!;
    expect(marx).toMatchObject({ required: 3, covered: 2, rate: 66.7 });
    expect(marx.missing!.map((person) => person.workNo)).toEqual(['M005']);

    const mine = (await liaison.get('/api/v1/coverage')).json() as CoverageView;
    expect(mine.rules[0]!.departments.map((row) => row.name)).toEqual(['外国语学院']);
    expect(mine.rules[0]!.departments[0]!.missing!.map((p) => p.workNo)).toEqual(['W001', 'W003']);
    const read2 = (await leader.get('/api/v1/coverage')).json() as CoverageView;
    expect(read2.rules[0]!.departments.every((row) => row.missing === null)).toBe(true);

    // next year the window starts again
    const later = (
      await coordinator.get('/api/v1/coverage?asOf=2025-03-01')
    ).json() as CoverageView;
    expect(later.rules[0]!.institution.covered).toBe(0);
  });

  it('lists activities a page at a time, the latest held first, with the total; refuses bad pages and changes nothing', async () => {
    const { organization, departments } = await createInstitution(t.db, [
      { name: '文学院', kind: 'teaching' },
      { name: '理学院', kind: 'teaching' },
    ]);
    const coordinator = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'coordinator')).username,
    );
    const liaison = await signIn(
      t.app,
      (
        await createUser(t.db, organization.id, 'liaison', {
          departmentId: departments['理学院']!.id,
        })
      ).username,
    );
    const kind = (
      await coordinator.post('/api/v1/activity-kinds', { name: '理论学习', itemNos: [] })
    ).json();
    // Two on one day: recorded later comes first; the rest by the day held.
    const held = [
      ['文学院', '2024-03-01', '三月'],
      ['理学院', '2024-05-10', '五月甲'],
      ['文学院', '2024-05-10', '五月乙'],
      ['理学院', '2024-09-01', '九月'],
      ['文学院', '2024-06-15', '六月'],
    ] as const;
    for (const [n, [department, heldOn, title]] of held.entries()) {
      t.clock.set(`2024-11-20T02:0${n}:00Z`);
      const recorded = await coordinator.post('/api/v1/activities', {
        kindId: kind.id,
        departmentId: departments[department]!.id,
        title,
        heldOn,
        participantIds: [],
      });
      expect(recorded.statusCode).toBe(201);
    }
    const page = async (query: string) => {
      const response = await coordinator.get(`/api/v1/activities${query}`);
      expect(response.statusCode).toBe(200);
      return response.json() as ActivityList;
    };
    const all = await page('');
    expect(all).toMatchObject({ total: 5, page: 1, pageSize: 50 });
    expect(all.activities.map((activity) => activity.title)).toEqual([
      '九月',
      '六月',
      '五月乙',
      '五月甲',
      '三月',
    ]);
    const pages = [
      await page('?pageSize=2'),
      await page('?pageSize=2&page=2'),
      await page('?pageSize=2&page=3'),
    ];
    expect(pages.map((one) => one.activities.map((activity) => activity.title))).toEqual([
      ['九月', '六月'],
      ['五月乙', '五月甲'],
      ['三月'],
    ]);
    expect(pages.every((one) => one.total === 5 && one.pageSize === 2)).toBe(true);
    // Past the last page: no rows, the total still said.
    expect(await page('?pageSize=2&page=4')).toMatchObject({ activities: [], total: 5, page: 4 });
    // A liaison's pages are their own department's.
    const mine = (await liaison.get('/api/v1/activities?pageSize=1&page=2')).json() as ActivityList;
    expect(mine.total).toBe(2);
    expect(mine.activities.map((activity) => activity.title)).toEqual(['五月甲']);

    const versionBefore = await t.database.pool.query(
      'select version from organization_data_versions where organization_id = $1',
      [organization.id],
    );
    const auditBefore = await t.database.pool.query(
      'select count(*)::int as n from audit_log where organization_id = $1',
      [organization.id],
    );
    for (const query of ['?page=0', '?pageSize=0', '?pageSize=201', '?page=abc', '?page=1.5']) {
      const response = await coordinator.get(`/api/v1/activities${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('request.invalid');
      expect(response.json().error.issues[0].path).toMatch(/^querystring\.(page|pageSize)$/);
    }
    // Reading pages writes nothing.
    expect(
      (
        await t.database.pool.query(
          'select version from organization_data_versions where organization_id = $1',
          [organization.id],
        )
      ).rows,
    ).toEqual(versionBefore.rows);
    expect(
      (
        await t.database.pool.query(
          'select count(*)::int as n from audit_log where organization_id = $1',
          [organization.id],
        )
      ).rows,
    ).toEqual(auditBefore.rows);
    expect((await page('')).total).toBe(5);
  });

  it('keeps a page until the next write: a recorded or deleted activity is in the next read, a liaison still sees only their department', async () => {
    const { organization, departments } = await createInstitution(t.db, [
      { name: '历史学院', kind: 'teaching' },
      { name: '化学学院', kind: 'teaching' },
    ]);
    const coordinator = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'coordinator')).username,
    );
    const liaison = await signIn(
      t.app,
      (
        await createUser(t.db, organization.id, 'liaison', {
          departmentId: departments['化学学院']!.id,
        })
      ).username,
    );
    const kind = (
      await coordinator.post('/api/v1/activity-kinds', { name: '集体备课', itemNos: [] })
    ).json();
    const record = async (department: string, heldOn: string, title: string) => {
      const response = await coordinator.post('/api/v1/activities', {
        kindId: kind.id,
        departmentId: departments[department]!.id,
        title,
        heldOn,
        participantIds: [],
      });
      expect(response.statusCode).toBe(201);
      return (response.json() as { id: string }).id;
    };
    await record('历史学院', '2024-04-01', '四月');
    await record('化学学院', '2024-05-01', '五月');
    const titles = async (reader: typeof coordinator, query = '') => {
      const response = await reader.get(`/api/v1/activities${query}`);
      expect(response.statusCode).toBe(200);
      const list = response.json() as ActivityList;
      return { total: list.total, titles: list.activities.map((activity) => activity.title) };
    };
    // The office's whole page is read (and kept) before the liaison's: theirs is still their department's.
    expect(await titles(coordinator)).toEqual({ total: 2, titles: ['五月', '四月'] });
    expect(await titles(coordinator)).toEqual({ total: 2, titles: ['五月', '四月'] });
    expect(await titles(liaison)).toEqual({ total: 1, titles: ['五月'] });
    // A liaison naming another department is given their own still.
    expect(await titles(liaison, `?departmentId=${departments['历史学院']!.id}`)).toEqual({
      total: 1,
      titles: ['五月'],
    });
    expect(await titles(coordinator, `?departmentId=${departments['历史学院']!.id}`)).toEqual({
      total: 1,
      titles: ['四月'],
    });

    const june = await record('化学学院', '2024-06-01', '六月');
    expect(await titles(coordinator)).toEqual({ total: 3, titles: ['六月', '五月', '四月'] });
    expect(await titles(liaison)).toEqual({ total: 2, titles: ['六月', '五月'] });
    expect(await titles(coordinator, '?pageSize=1&page=2')).toEqual({ total: 3, titles: ['五月'] });

    expect(
      (await coordinator.request({ method: 'DELETE', url: `/api/v1/activities/${june}` }))
        .statusCode,
    ).toBe(204);
    expect(await titles(coordinator)).toEqual({ total: 2, titles: ['五月', '四月'] });
    expect(await titles(liaison)).toEqual({ total: 1, titles: ['五月'] });
    expect(await titles(coordinator, '?pageSize=1&page=2')).toEqual({ total: 2, titles: ['四月'] });
  });
});
