import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { messages } from '../../src/server/modules/notifications/notification.table';
import JSZip from 'jszip';
import { formatDateTime } from '../../src/shared/time-format';
import { gatherTeacherFigures } from '../../src/server/modules/reports/teacher-figures';
import { roles, type Role } from '../../src/shared/roles';
import { mustEnrolTotp } from '../../src/shared/powers';
import {
  createInstitution,
  createTestApp,
  createUser,
  enrolTotp,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

/** Issue 15: 师德师风监督举报 — the public channel, the sealed case, the handler's steps, the figures. */
let t: TestApp;
let organizationId: string;
const clients = new Map<Role, SignedInClient>();
const usernames = new Map<Role, string>();
let handlerId: string;
const MARKER = `举报标记-${randomUUID().slice(0, 8)}`;
const CONTACT = `联系标记-${randomUUID().slice(0, 8)}`;
const DAY = 24 * 60 * 60 * 1000;

const submit = (payload: unknown, ip = '10.9.0.1') =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/public/organizations/${organizationId}/conduct-reports`,
    payload: payload as object,
    remoteAddress: ip,
    headers: { 'accept-language': 'zh-CN' },
  });
const follow = (receipt: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/public/conduct-reports/follow',
    payload: { receipt },
    headers: { 'accept-language': 'zh-CN' },
  });

beforeAll(async () => {
  t = await createTestApp();
  const institution = await createInstitution(t.db, [{ name: '教务处' }]);
  organizationId = institution.organization.id;
  for (const role of roles) {
    if (role === 'overseer') continue;
    const user = await createUser(
      t.db,
      organizationId,
      role,
      role === 'liaison' ? { departmentId: institution.departments['教务处']!.id } : {},
    );
    if (role === 'case_handler') handlerId = user.id;
    usernames.set(role, user.username);
    const client = await signIn(t.app, user.username);
    if (mustEnrolTotp({ role, totpEnabled: false })) await enrolTotp(client, t.clock);
    clients.set(role, client);
  }
});
afterAll(async () => t?.close());

const caseIds = async () =>
  (
    (await clients.get('case_handler')!.get('/api/v1/conduct-reports')).json() as { id: string }[]
  ).map((row) => row.id);

/** After the clock jumps days, the sessions have expired: everyone signs in again. */
async function signInAgain() {
  for (const [role, username] of usernames)
    if (role !== 'security_admin') clients.set(role, await signIn(t.app, username));
}

async function newCase(extra: object = {}) {
  const known = new Set(await caseIds());
  const response = await submit({ teacher: '张老师', what: `${MARKER} 课堂上辱骂学生`, ...extra });
  expect(response.statusCode, response.body).toBe(201);
  const { receipt } = response.json() as { receipt: string };
  const id = (await caseIds()).find((candidate) => !known.has(candidate))!;
  return { receipt, id, version: 1 };
}

describe('the public channel', () => {
  it('names the institutions the public page may address, without an account, names and ids only', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/public/conduct-reports/institutions',
    });
    expect(response.statusCode, response.body).toBe(200);
    const list = response.json() as { id: string; name: string }[];
    expect(list.some((item) => item.id === organizationId)).toBe(true);
    for (const item of list) expect(Object.keys(item).sort()).toEqual(['id', 'name']);
  });

  it('takes an anonymous report without an account, answers a receipt once and keeps only sealed text and the receipt hash', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const response = await submit({
      teacher: '李老师',
      what: `${MARKER} 收受礼金`,
      when: '2024年3月',
      contact: CONTACT,
      attachments: [{ fileName: '照片.png', contentBase64: png.toString('base64') }],
    });
    expect(response.statusCode, response.body).toBe(201);
    const { receipt } = response.json() as { receipt: string };
    expect(receipt).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    expect(response.headers['set-cookie']).toBeUndefined();

    // A dump of every conduct-report table and the audit log shows neither text, contact, receipt nor address.
    const dump = JSON.stringify(
      await Promise.all(
        [
          'conduct_reports',
          'conduct_report_events',
          'conduct_report_files',
          'conduct_report_keys',
          'audit_log',
        ].map(async (table) => (await t.db.execute(sql.raw(`select * from ${table}`))).rows),
      ),
    );
    for (const secret of [
      MARKER,
      CONTACT,
      '李老师',
      receipt,
      receipt.replace(/-/g, ''),
      '10.9.0.1',
    ])
      expect(dump).not.toContain(secret);

    const followed = await follow(receipt.toLowerCase());
    expect(followed.statusCode).toBe(200);
    expect(followed.json()).toMatchObject({ state: 'received', outcome: null, messages: [] });
    // The reporter's view never shows the report's content back (nor who handles it).
    expect(followed.body).not.toContain(MARKER);

    // The handler reads the case and its file (the contact waits for a second handler); the download is audited.
    const handler = clients.get('case_handler')!;
    const id = (await caseIds())[0]!;
    const read = (await handler.get(`/api/v1/conduct-reports/${id}`)).json();
    expect(read).toMatchObject({
      teacher: '李老师',
      when: '2024年3月',
      contact: '',
      hasContact: true,
    });
    expect(JSON.stringify(read)).not.toContain(CONTACT);
    expect(read.files).toMatchObject([{ fileName: '照片.png', mediaType: 'image/png' }]);
    const file = await handler.get(`/api/v1/conduct-reports/${id}/files/${read.files[0].id}`);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(png)).toBe(true);
    expect(String(file.headers['content-disposition'])).toMatch(/^attachment/);
    const exports = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, id), eq(auditLog.action, 'export')));
    expect(exports).toHaveLength(1);
  });

  it('refuses an unknown receipt, a report without its content and a disguised file, clearly and without storing anything', async () => {
    const before = (await t.db.execute(sql`select count(*)::int as n from conduct_reports`))
      .rows[0] as { n: number };
    const unknown = await follow('ABCD-EFGH-JKMN-PQRS-TUVW');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({
      code: 'conductReport.unknown_receipt',
      message: '找不到该回执码对应的举报，请核对后再试。',
    });
    const empty = await submit({ teacher: '', what: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('request.invalid');
    const disguised = await submit({
      teacher: '王老师',
      what: '有附件',
      attachments: [
        { fileName: 'a.pdf', contentBase64: Buffer.from('MZ\x90\x00').toString('base64') },
      ],
    });
    expect(disguised.statusCode).toBe(415);
    expect(disguised.json().error.code).toBe('evidence.executable');
    const unknownOrganization = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/organizations/${randomUUID()}/conduct-reports`,
      payload: { teacher: '王老师', what: '无' },
    });
    expect(unknownOrganization.statusCode).toBe(404);
    expect(unknownOrganization.json().error.code).toBe('conductReport.unknown_organization');
    const after = (await t.db.execute(sql`select count(*)::int as n from conduct_reports`))
      .rows[0] as { n: number };
    expect(after.n).toBe(before.n);
  });

  it('is rate-limited per address like the other anonymous endpoints', async () => {
    const limited = await createTestApp({ config: { anonymousRateLimit: 3 } });
    try {
      const { organization } = await createInstitution(limited.db);
      const statuses: number[] = [];
      for (let index = 0; index < 4; index += 1)
        statuses.push(
          (
            await limited.app.inject({
              method: 'POST',
              url: `/api/v1/public/organizations/${organization.id}/conduct-reports`,
              payload: { teacher: '赵老师', what: '事情' },
              remoteAddress: '10.9.9.9',
            })
          ).statusCode,
        );
      expect(statuses).toEqual([201, 201, 201, 429]);
      const other = await limited.app.inject({
        method: 'POST',
        url: '/api/v1/public/conduct-reports/follow',
        payload: { receipt: 'ABCD-EFGH-JKMN-PQRS-TUVW' },
        remoteAddress: '10.9.9.10',
      });
      expect(other.statusCode).toBe(404);
    } finally {
      await limited.close();
    }
  });
});

describe('who reads a case', () => {
  it('lets only the case handler read it, audits each read, and refuses every other role with auth.forbidden', async () => {
    const { id } = await newCase();
    for (const role of roles) {
      if (role === 'overseer' || role === 'case_handler') continue;
      const response = await clients.get(role)!.get(`/api/v1/conduct-reports/${id}`);
      expect(response.statusCode, role).toBe(403);
      expect(response.json().error.code).toBe('auth.forbidden');
      expect(response.body).not.toContain(MARKER);
      const list = await clients.get(role)!.get('/api/v1/conduct-reports');
      expect(list.statusCode, role).toBe(403);
    }
    const read = await clients.get('case_handler')!.get(`/api/v1/conduct-reports/${id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ teacher: '张老师', state: 'received' });
    expect(read.json().what).toContain(MARKER);
    const reads = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, id), eq(auditLog.action, 'conductReport.read')));
    expect(reads).toHaveLength(1);
    expect(reads[0]!.actorUserId).toBe(handlerId);
    expect(JSON.stringify(reads)).not.toContain(MARKER);
  });
});

describe('the custodian rule', () => {
  it("shows a reporter's contact only to a handler whose request a second handler approved, audited", async () => {
    const { id } = await newCase({ contact: CONTACT });
    const requester = clients.get('case_handler')!;
    const second = await createUser(t.db, organizationId, 'case_handler');
    const approver = await signIn(t.app, second.username);

    const asked = await requester.post(`/api/v1/conduct-reports/${id}/contact-requests`, {
      reason: '需要回访核实细节',
    });
    expect(asked.statusCode, asked.body).toBe(201);
    expect(asked.json().contact).toBe('');
    const [request] = asked.json().contactRequests;
    expect(request).toMatchObject({ reason: '需要回访核实细节', mine: true, approvedAt: null });

    const again = await requester.post(`/api/v1/conduct-reports/${id}/contact-requests`, {
      reason: '再次申请',
    });
    expect(again.json().error.code).toBe('conductReport.contact_request_pending');
    const self = await requester.post(
      `/api/v1/conduct-reports/${id}/contact-requests/${request.id}/approval`,
    );
    expect(self.statusCode).toBe(403);
    expect(self.json().error.code).toBe('conductReport.contact_self_approval');
    expect((await requester.get(`/api/v1/conduct-reports/${id}`)).body).not.toContain(CONTACT);

    const approved = await approver.post(
      `/api/v1/conduct-reports/${id}/contact-requests/${request.id}/approval`,
    );
    expect(approved.statusCode, approved.body).toBe(200);
    // Shown to the requester, not to the approver.
    expect(approved.body).not.toContain(CONTACT);
    expect((await requester.get(`/api/v1/conduct-reports/${id}`)).json().contact).toBe(CONTACT);
    const twice = await approver.post(
      `/api/v1/conduct-reports/${id}/contact-requests/${request.id}/approval`,
    );
    expect(twice.json().error.code).toBe('conductReport.contact_request_not_found');

    const audited = await t.db.select().from(auditLog).where(eq(auditLog.entityId, id));
    const actions = audited.map((row) => row.action);
    expect(actions).toContain('conductReport.requestContact');
    expect(actions).toContain('conductReport.approveContact');
    expect(JSON.stringify(audited)).not.toContain(CONTACT);
    expect(JSON.stringify(audited)).not.toContain('需要回访核实细节');
    const dump = await t.db.execute(sql`select * from conduct_report_contact_requests`);
    expect(JSON.stringify(dump.rows)).not.toContain('需要回访核实细节');

    const anonymous = await newCase();
    const none = await requester.post(`/api/v1/conduct-reports/${anonymous.id}/contact-requests`, {
      reason: '需要回访',
    });
    expect(none.json().error.code).toBe('conductReport.no_contact');
  });
});

describe('the export of a case', () => {
  it('writes a .docx whose every page header names the exporter and the time in the institution zone, audited', async () => {
    const { id } = await newCase();
    const handler = clients.get('case_handler')!;
    const response = await handler.get(`/api/v1/conduct-reports/${id}/docx`);
    expect(response.statusCode, response.body).toBe(200);
    expect(String(response.headers['content-disposition'])).toMatch(/^attachment/);
    const zip = await JSZip.loadAsync(response.rawPayload);
    const headers = Object.keys(zip.files).filter((name) => /^word\/header\d*\.xml$/.test(name));
    expect(headers.length).toBeGreaterThan(0);
    const header = await zip.file(headers[0]!)!.async('string');
    const expectedTime = formatDateTime(t.clock.now(), 'Asia/Shanghai');
    expect(header).toContain(`导出人 ${usernames.get('case_handler')}`);
    expect(header).toContain(expectedTime);
    const body = await zip.file('word/document.xml')!.async('string');
    expect(body).toContain(MARKER);
    expect(body).toContain('w:headerReference');
    const exports = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, id), eq(auditLog.action, 'conductReport.export')));
    expect(exports).toHaveLength(1);
    expect((await clients.get('admin')!.get(`/api/v1/conduct-reports/${id}/docx`)).statusCode).toBe(
      403,
    );
  });
});

describe('the case steps', () => {
  it('goes 受理 → 核查 → 认定 不属实 → 澄清 → 结案, each step recorded with who and when; the reporter follows it and adds information', async () => {
    const { receipt, id } = await newCase();
    const handler = clients.get('case_handler')!;
    const step = async (to: string, extra: object = {}) => {
      const current = (await handler.get(`/api/v1/conduct-reports/${id}`)).json();
      const response = await handler.post(`/api/v1/conduct-reports/${id}/transitions`, {
        to,
        version: current.version,
        ...extra,
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    };
    await step('investigating');
    const answered = await handler.post(`/api/v1/conduct-reports/${id}/answers`, {
      text: '请补充时间地点',
    });
    expect(answered.statusCode).toBe(200);
    t.clock.advance(60_000);
    const added = await t.app.inject({
      method: 'POST',
      url: '/api/v1/public/conduct-reports/information',
      payload: { receipt, text: '2024年4月1日，教学楼' },
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().messages).toMatchObject([
      { from: 'handler', text: '请补充时间地点' },
      { from: 'reporter', text: '2024年4月1日，教学楼' },
    ]);
    await step('determined', { outcome: 'unfounded' });
    await step('clarified', { note: '已在学院范围内澄清，维护教师合法权益' });
    const closed = await step('closed');
    expect(closed).toMatchObject({ state: 'closed', outcome: 'unfounded', handledOnTime: true });
    expect(
      closed.history
        .filter((event: { kind: string }) => event.kind === 'transition')
        .map((event: { toState: string }) => event.toState),
    ).toEqual(['received', 'investigating', 'determined', 'clarified', 'closed']);
    expect(closed.history.at(-1).actorName).toMatch(/^case_handler-/);
    const transitions = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, id), eq(auditLog.action, 'conductReport.transition')));
    expect(transitions).toHaveLength(4);
    expect((await follow(receipt)).json()).toMatchObject({ state: 'closed', outcome: 'unfounded' });
    const late = await t.app.inject({
      method: 'POST',
      url: '/api/v1/public/conduct-reports/information',
      payload: { receipt, text: '还有' },
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('conductReport.closed');
  });

  it('refuses an illegal step, a missing outcome, 通报 of an unfounded case and a stale version, changing nothing', async () => {
    const { id, version } = await newCase();
    const handler = clients.get('case_handler')!;
    const tryStep = (payload: object) =>
      handler.request({
        method: 'POST',
        url: `/api/v1/conduct-reports/${id}/transitions`,
        payload,
        headers: { 'accept-language': 'zh-CN' },
      });
    const skip = await tryStep({ to: 'closed', version });
    expect(skip.statusCode).toBe(409);
    expect(skip.json().error).toMatchObject({ code: 'conductReport.transition_refused' });
    expect(skip.json().error.message).toContain('不能转为');
    expect((await tryStep({ to: 'investigating', version: version + 5 })).json().error.code).toBe(
      'conductReport.version_conflict',
    );
    const started = await tryStep({ to: 'investigating', version });
    expect(started.statusCode).toBe(200);
    const noOutcome = await tryStep({ to: 'determined', version: version + 1 });
    expect(noOutcome.json().error.code).toBe('conductReport.outcome_required');
    expect(
      (await tryStep({ to: 'determined', outcome: 'unfounded', version: version + 1 })).statusCode,
    ).toBe(200);
    const notify = await tryStep({ to: 'handling', version: version + 2 });
    expect(notify.statusCode).toBe(200);
    const mismatch = await tryStep({ to: 'notified', version: version + 3 });
    expect(mismatch.statusCode).toBe(409);
    expect(mismatch.json().error.code).toBe('conductReport.outcome_mismatch');
    const after = (await handler.get(`/api/v1/conduct-reports/${id}`)).json();
    expect(after).toMatchObject({ state: 'handling', outcome: 'unfounded', version: version + 3 });
    // A liaison's attempt changes nothing either.
    const liaison = await clients
      .get('liaison')!
      .post(`/api/v1/conduct-reports/${id}/transitions`, {
        to: 'clarified',
        version: version + 3,
      });
    expect(liaison.statusCode).toBe(403);
    expect((await handler.get(`/api/v1/conduct-reports/${id}`)).json().state).toBe('handling');
  });

  it('marks a case late past its stage deadline and counts it not handled on time', async () => {
    const { id, version } = await newCase();
    let handler = clients.get('case_handler')!;
    t.clock.advance(4 * DAY);
    await signInAgain();
    handler = clients.get('case_handler')!;
    const listed = await handler.get('/api/v1/conduct-reports');
    expect(listed.statusCode, listed.body).toBe(200);
    const list = listed.json() as {
      id: string;
      late: boolean;
    }[];
    expect(list.find((row) => row.id === id)!.late).toBe(true);

    // The daily sweep reminds every case handler once per case and state deadline, without content.
    const reminders = async () =>
      (await t.db.select().from(messages).where(eq(messages.kind, 'conduct_case.late'))).filter(
        (message) => message.link === `/conduct-cases/${id}`,
      );
    await t.jobs.runDue();
    // Another day's sweep (as if the case were still late tomorrow) sends nothing new.
    await t.jobs.enqueue(t.db, {
      kind: 'conductReports.remindLate',
      organizationId,
      payload: { organizationId, day: '2099-01-01' },
    });
    await t.jobs.runDue();
    const sent = await reminders();
    expect(sent.map((message) => message.recipientUserId)).toContain(handlerId);
    expect(new Set(sent.map((message) => message.recipientUserId)).size).toBe(sent.length);
    expect(sent[0]!.body).toContain('受理');
    expect(JSON.stringify(sent)).not.toContain(MARKER);
    expect(JSON.stringify(sent)).not.toContain('张老师');
    let v = version;
    for (const [to, outcome] of [
      ['investigating'],
      ['determined', 'founded'],
      ['handling'],
      ['notified'],
      ['closed'],
    ] as const) {
      const response = await handler.post(`/api/v1/conduct-reports/${id}/transitions`, {
        to,
        version: v,
        ...(outcome ? { outcome } : {}),
      });
      expect(response.statusCode, response.body).toBe(200);
      v += 1;
    }
    expect((await handler.get(`/api/v1/conduct-reports/${id}`)).json().handledOnTime).toBe(false);
  });
});

describe('the figures', () => {
  it('counts received, closed, handled on time and outcomes for the year, never content; a liaison cannot read them', async () => {
    const response = await clients
      .get('coordinator')!
      .get('/api/v1/conduct-reports/figures?year=2024');
    expect(response.statusCode).toBe(200);
    const figures = response.json();
    expect(figures.received).toBe((await caseIds()).length);
    expect(figures).toMatchObject({
      year: 2024,
      closed: 2,
      handledOnTime: 1,
      clarified: 1,
      notified: 1,
    });
    expect(figures.byOutcome).toEqual({ founded: 1, partly: 0, unfounded: 2 });
    expect(response.body).not.toContain(MARKER);
    expect(
      (await clients.get('coordinator')!.get('/api/v1/conduct-reports/figures?year=2023')).json()
        .received,
    ).toBe(0);
    expect(
      (await clients.get('liaison')!.get('/api/v1/conduct-reports/figures?year=2024')).statusCode,
    ).toBe(403);
  });

  it("gives the quality report item 26's counts for the plan's year, and never a name or a report's text", async () => {
    const figures = await gatherTeacherFigures(
      t.db,
      organizationId,
      2024,
      '2024-12-31',
      t.clock.now(),
    );
    const item26 = figures.filter((figure) => figure.itemNo === 26);
    expect(item26).toHaveLength(1);
    const counts = (
      await clients.get('coordinator')!.get('/api/v1/conduct-reports/figures?year=2024')
    ).json();
    expect(item26[0]).toMatchObject({
      kind: 'conduct_reports',
      numerator: counts.handledOnTime,
      denominator: counts.closed,
    });
    expect(item26[0]!.detail).toContain(`受理${counts.received}件`);
    expect(item26[0]!.detail).toContain(`澄清${counts.clarified}件`);
    const text = JSON.stringify(item26);
    for (const secret of [MARKER, CONTACT, '张老师', '李老师', '辱骂'])
      expect(text).not.toContain(secret);
    const otherYear = await gatherTeacherFigures(
      t.db,
      organizationId,
      2023,
      '2023-12-31',
      t.clock.now(),
    );
    expect(otherYear.filter((figure) => figure.itemNo === 26)).toHaveLength(0);
  });
});
