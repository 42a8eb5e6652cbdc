import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { teachers } from '../../src/server/modules/teachers/teacher.table';
import type { RosterPreview, TeacherRecord, TeacherSummary } from '../../src/shared/api/teachers';
import { rosterSheet, uploadRoster } from '../support/roster';
import {
  createInstitution,
  createTestApp,
  createUser,
  signIn,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({});
  t.clock.set('2024-09-01T02:00:00Z');
});
afterAll(async () => t.close());

async function setUp() {
  const institution = await createInstitution(t.db, [
    { name: '马克思主义学院', kind: 'teaching', aliases: ['马院'] },
    { name: '机械工程学院', kind: 'teaching' },
  ]);
  const { organization, departments } = institution;
  const coordinator = await signIn(
    t.app,
    (await createUser(t.db, organization.id, 'coordinator')).username,
  );
  const liaison = await signIn(
    t.app,
    (
      await createUser(t.db, organization.id, 'liaison', {
        departmentId: departments['机械工程学院']!.id,
      })
    ).username,
  );
  const leader = await signIn(t.app, (await createUser(t.db, organization.id, 'leader')).username);
  return { organization, departments, coordinator, liaison, leader };
}

const first = [
  [
    'T001',
    '张三',
    '马院',
    '1990-05-12',
    '是',
    '中共党员',
    '专任教师',
    '讲师',
    '13812345678',
    'zhang@example.edu.cn',
  ],
  ['T002', '李四', '机械工程学院', '1975年3月', '否', '群众', '管理岗', '副教授', '', ''],
  ['T003', '王五', '机械工程学院', '', '否', '民盟盟员', '专任', '教授', '13900001111', ''],
];

describe('the roster (教师名册)', () => {
  it('reads an HR export by its headers, previews, applies, and reads 青年教师 by the age limit', async () => {
    const { coordinator, organization } = await setUp();
    const bytes = await rosterSheet(first);
    const preview = await uploadRoster(coordinator, bytes, '?dryRun=true');
    expect(preview.statusCode).toBe(200);
    const body = preview.json() as RosterPreview;
    expect(body.applied).toBe(false);
    expect(body.headerRow).toBe(2);
    expect(body.counts).toMatchObject({ created: 3, updated: 0, deactivated: 0 });
    expect(body.recognised).toEqual(
      expect.arrayContaining(['workNo', 'name', 'department', 'birthDate', 'political']),
    );
    // nothing written by a preview
    expect(
      await t.db.select().from(teachers).where(eq(teachers.organizationId, organization.id)),
    ).toHaveLength(0);

    const applied = await uploadRoster(coordinator, bytes, `?basedOn=${body.token}`);
    expect(applied.statusCode).toBe(200);
    expect(applied.json().applied).toBe(true);
    const list = (await coordinator.get('/api/v1/teachers')).json().teachers as TeacherSummary[];
    expect(list.map((teacher) => teacher.workNo)).toEqual(['T001', 'T002', 'T003']);
    const zhang = list[0]!;
    expect(zhang).toMatchObject({
      young: true,
      partyMember: true,
      returnedOverseas: true,
      staffKind: 'full_time',
    });
    expect(zhang.department?.name).toBe('马克思主义学院');
    // a list never shows a phone in full, nor a birth date
    expect(zhang.phone).toBe('138****5678');
    expect(JSON.stringify(list)).not.toContain('1990-05-12');
    expect(list[1]).toMatchObject({ young: false, staffKind: 'management', partyMember: false });
    expect(list[2]!.young).toBeNull();

    // the age limit is the institution's: at 33 (2024) 张三 stops being young under a limit of 30
    const settings = (await coordinator.get('/api/v1/roster/settings')).json();
    expect(settings).toEqual({ youngAgeLimit: 40, resultThreshold: 5, contractYears: 3 });
    expect(
      (
        await coordinator.request({
          method: 'PUT',
          url: '/api/v1/roster/settings',
          payload: { ...settings, youngAgeLimit: 30 },
        })
      ).statusCode,
    ).toBe(200);
    const young = (await coordinator.get('/api/v1/teachers?attribute=young')).json().teachers;
    expect(young).toHaveLength(0);
  });

  it('re-import shows the changes first, updates by work number, and makes leavers inactive', async () => {
    const { coordinator, organization } = await setUp();
    // One file for preview and apply: the token names the file's bytes, and exceljs stamps the
    // time it writes a workbook into it.
    const firstSheet = await rosterSheet(first);
    const once = await uploadRoster(coordinator, firstSheet, '?dryRun=true');
    const applied = await uploadRoster(
      coordinator,
      firstSheet,
      `?basedOn=${encodeURIComponent(once.json().token)}`,
    );
    expect(applied.statusCode, applied.body).toBe(200);
    const second = await rosterSheet([
      [
        'T001',
        '张三',
        '马克思主义学院',
        '1990-05-12',
        '是',
        '中共党员',
        '专任教师',
        '副教授',
        '13812345678',
        'zhang@example.edu.cn',
      ],
      ['T003', '王五', '机械工程学院', '', '否', '民盟盟员', '专任', '教授', '13900002222', ''],
      ['T004', '赵六', '外国语学院', '1995-01-01', '否', '中共预备党员', '专任', '助教', '', ''],
    ]);
    const preview = (
      await uploadRoster(coordinator, second, '?dryRun=true')
    ).json() as RosterPreview;
    expect(preview.counts).toMatchObject({ created: 1, updated: 2, unchanged: 0, deactivated: 1 });
    expect(preview.deactivated).toEqual([{ workNo: 'T002', name: '李四' }]);
    const wang = preview.updated.find((row) => row.workNo === 'T003')!;
    // a changed phone is shown masked in the preview too
    expect(wang.changes).toEqual([{ field: 'phone', before: '139****1111', after: '139****2222' }]);
    expect(preview.problems.map((problem) => problem.code)).toEqual([
      'teachers.row_unknown_department',
    ]);
    expect(preview.problems[0]!.message).toContain('外国语学院');

    // a preview made stale by another import is refused, and nothing changes
    const stale = await uploadRoster(coordinator, second, '?basedOn=nope.nope');
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('teachers.preview_stale');

    expect((await uploadRoster(coordinator, second, `?basedOn=${preview.token}`)).statusCode).toBe(
      200,
    );
    const rows = await t.db
      .select()
      .from(teachers)
      .where(eq(teachers.organizationId, organization.id));
    expect(rows).toHaveLength(4);
    expect(rows.find((row) => row.workNo === 'T002')!.active).toBe(false);
    expect(rows.find((row) => row.workNo === 'T004')!).toMatchObject({
      departmentId: null,
      departmentName: '外国语学院',
      partyMember: true,
    });

    // the leaver comes back when listed again
    const third = await rosterSheet([
      ...first,
      ['T004', '赵六', '外国语学院', '1995-01-01', '否', '中共预备党员', '专任', '助教', '', ''],
    ]);
    const back = (await uploadRoster(coordinator, third, '?dryRun=true')).json() as RosterPreview;
    expect(back.counts.reactivated).toBe(1);
  });

  it('refuses a sheet without 工号/姓名 or with bad rows, changing nothing', async () => {
    const { coordinator, organization } = await setUp();
    const noHeader = await uploadRoster(
      coordinator,
      await rosterSheet([['1', '2']], ['序号', '备注']),
      '?dryRun=true',
    );
    expect(noHeader.statusCode).toBe(400);
    expect(noHeader.json().error.code).toBe('teachers.sheet_no_header');
    const bad = await rosterSheet([
      first[0]!,
      ['T001', '重复', '', '', '', '', '', '', '', ''],
      ['', '无工号'],
    ]);
    const preview = (await uploadRoster(coordinator, bad, '?dryRun=true')).json() as RosterPreview;
    expect(preview.problems.map((problem) => problem.code)).toEqual([
      'teachers.row_duplicate_work_no',
      'teachers.row_no_work_no',
    ]);
    const refused = await uploadRoster(coordinator, bad, `?basedOn=${preview.token}`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('teachers.sheet_has_errors');
    expect(
      await t.db.select().from(teachers).where(eq(teachers.organizationId, organization.id)),
    ).toHaveLength(0);
  });

  it('masks personal data for departments and leaders, and audits every full read', async () => {
    const { coordinator, liaison, leader, organization } = await setUp();
    // One file for preview and apply: the token names the file's bytes, and exceljs stamps the
    // time it writes a workbook into it.
    const firstSheet = await rosterSheet(first);
    const once = await uploadRoster(coordinator, firstSheet, '?dryRun=true');
    const applied = await uploadRoster(
      coordinator,
      firstSheet,
      `?basedOn=${encodeURIComponent(once.json().token)}`,
    );
    expect(applied.statusCode, applied.body).toBe(200);
    const mine = (await liaison.get('/api/v1/teachers')).json().teachers as TeacherSummary[];
    expect(mine.map((teacher) => teacher.workNo)).toEqual(['T002', 'T003']);
    const [zhang] = (await coordinator.get('/api/v1/teachers?q=张三')).json()
      .teachers as TeacherSummary[];
    expect((await liaison.get(`/api/v1/teachers/${zhang!.id}`)).statusCode).toBe(404);
    const masked = (await leader.get(`/api/v1/teachers/${zhang!.id}`)).json() as TeacherRecord;
    expect(masked).toMatchObject({ full: false, phone: '138****5678', birthDate: null });
    const full = (await coordinator.get(`/api/v1/teachers/${zhang!.id}`)).json() as TeacherRecord;
    expect(full).toMatchObject({
      full: true,
      phone: '13812345678',
      birthDate: '1990-05-12',
      email: 'zhang@example.edu.cn',
    });
    const reads = await t.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.organizationId, organization.id), eq(auditLog.action, 'teachers.read')),
      );
    expect(reads).toHaveLength(1);
    expect(reads[0]!.entityId).toBe(zhang!.id);
    // a leader may not import
    expect((await uploadRoster(leader, await rosterSheet(first), '?dryRun=true')).statusCode).toBe(
      403,
    );
  });
});
