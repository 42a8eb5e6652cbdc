import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { conductReportFiles } from '../../src/server/modules/conduct-reports/conduct-report.table';
import { teachers } from '../../src/server/modules/teachers/teacher.table';
import { users } from '../../src/server/modules/users/user.table';
import { mustEnrolTotp } from '../../src/shared/powers';
import type { Role } from '../../src/shared/roles';
import {
  createInstitution,
  createTestApp,
  createUser,
  enrolTotp,
  multipartFile,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

/** Issue 15: the decision document (处理决定) attached on 处理, sealed like the reporter's files. */
let t: TestApp;
let organizationId: string;
const clients = new Map<Role, SignedInClient>();
/** The handler who moves the cases (clients' case_handler) and a second one, by their names. */
const mover = { id: '', username: '', displayName: '受理人甲' };
const uploader = { id: '', username: '', displayName: '受理人乙' };
let secondHandler: SignedInClient;
const PDF_TEXT = 'DecisionMarker-处理决定';
const pdf = Buffer.from(
  `%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% ${PDF_TEXT}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`,
);

beforeAll(async () => {
  t = await createTestApp();
  const institution = await createInstitution(t.db, [{ name: '教务处' }]);
  organizationId = institution.organization.id;
  for (const role of ['case_handler', 'admin', 'coordinator'] as const) {
    const user = await createUser(t.db, organizationId, role);
    const client = await signIn(t.app, user.username);
    if (mustEnrolTotp({ role, totpEnabled: false })) await enrolTotp(client, t.clock);
    clients.set(role, client);
    if (role === 'case_handler') Object.assign(mover, { id: user.id, username: user.username });
  }
  const second = await createUser(t.db, organizationId, 'case_handler');
  Object.assign(uploader, { id: second.id, username: second.username });
  secondHandler = await signIn(t.app, second.username);
  if (mustEnrolTotp({ role: 'case_handler', totpEnabled: false }))
    await enrolTotp(secondHandler, t.clock);
  for (const person of [mover, uploader])
    await t.db
      .update(users)
      .set({ displayName: person.displayName })
      .where(eq(users.id, person.id));
});
afterAll(async () => t?.close());

async function caseInHandling() {
  const handler = clients.get('case_handler')!;
  const before = new Set(
    ((await handler.get('/api/v1/conduct-reports')).json() as { id: string }[]).map((r) => r.id),
  );
  const submitted = await t.app.inject({
    method: 'POST',
    url: `/api/v1/public/organizations/${organizationId}/conduct-reports`,
    payload: { teacher: '张老师', what: '课堂上辱骂学生' },
    remoteAddress: '10.9.1.1',
  });
  expect(submitted.statusCode, submitted.body).toBe(201);
  const id = ((await handler.get('/api/v1/conduct-reports')).json() as { id: string }[])
    .map((r) => r.id)
    .find((candidate) => !before.has(candidate))!;
  let version = 1;
  for (const step of [
    { to: 'investigating' },
    { to: 'determined', outcome: 'founded' },
    { to: 'handling', note: '给予警告处分' },
  ]) {
    const moved = await handler.post(`/api/v1/conduct-reports/${id}/transitions`, {
      ...step,
      version,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    version = (moved.json() as { version: number }).version;
  }
  return id;
}

const attach = (role: Role | SignedInClient, id: string, fileName: string, bytes: Buffer) => {
  const { payload, headers } = multipartFile(fileName, bytes);
  return (typeof role === 'string' ? clients.get(role)! : role).request({
    method: 'POST',
    url: `/api/v1/conduct-reports/${id}/decision-files`,
    payload,
    headers: { ...headers, 'accept-language': 'zh-CN' },
  });
};

describe('the decision document on 处理', () => {
  it('is attached by the handler, listed with who and at which step, sealed, downloaded back byte-identical, audited', async () => {
    const id = await caseInHandling();
    const response = await attach('case_handler', id, '处理决定.pdf', pdf);
    expect(response.statusCode, response.body).toBe(201);
    const files = (
      response.json() as {
        files: { id: string; fileName: string; step: string | null; addedBy: string | null }[];
      }
    ).files;
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ fileName: '处理决定.pdf', step: 'handling' });
    expect(files[0]!.addedBy).toBeTruthy();

    const download = await clients
      .get('case_handler')!
      .get(`/api/v1/conduct-reports/${id}/files/${files[0]!.id}`);
    expect(download.statusCode).toBe(200);
    expect(Buffer.compare(download.rawPayload, pdf)).toBe(0);

    const stored = await t.db
      .select()
      .from(conductReportFiles)
      .where(eq(conductReportFiles.reportId, id));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.eventId).not.toBeNull();
    expect(stored[0]!.sealedBytes).not.toContain('DecisionMarker');
    expect(stored[0]!.sealedBytes).not.toContain(pdf.toString('base64'));
    expect(stored[0]!.sealedName).not.toContain('处理决定');

    const audited = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'conductReport.attachDecision'));
    expect(audited.map((row) => row.entityId)).toContain(id);
  });

  it("names the handler who uploaded it, not the one who moved the case to 处理; an older file falls back to the step's actor", async () => {
    const id = await caseInHandling();
    const response = await attach(secondHandler, id, '处理决定.pdf', pdf);
    expect(response.statusCode, response.body).toBe(201);
    type Files = { files: { id: string; step: string | null; addedBy: string | null }[] };
    const [file] = (response.json() as Files).files;
    expect(file).toMatchObject({ step: 'handling', addedBy: '受理人乙' });
    // Whoever reads the case sees the uploader, not themselves or the step's actor.
    const read = await clients.get('case_handler')!.get(`/api/v1/conduct-reports/${id}`);
    expect((read.json() as Files).files[0]!.addedBy).toBe('受理人乙');

    const [stored] = await t.db
      .select()
      .from(conductReportFiles)
      .where(eq(conductReportFiles.reportId, id));
    expect(stored!.uploadedBy).toBe(uploader.id);
    // Still sealed at rest.
    expect(stored!.sealedBytes).not.toContain('DecisionMarker');
    expect(stored!.sealedName).not.toContain('处理决定');

    // A file stored before the uploader was recorded: shown as the step's actor, as it was.
    await t.db
      .update(conductReportFiles)
      .set({ uploadedBy: null })
      .where(eq(conductReportFiles.id, stored!.id));
    const legacy = await secondHandler.get(`/api/v1/conduct-reports/${id}`);
    expect((legacy.json() as Files).files[0]!.addedBy).toBe(mover.username);
  });

  it("leaves the reporter's own files without an uploader", async () => {
    const handler = clients.get('case_handler')!;
    const before = new Set(
      ((await handler.get('/api/v1/conduct-reports')).json() as { id: string }[]).map((r) => r.id),
    );
    const submitted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/organizations/${organizationId}/conduct-reports`,
      payload: {
        teacher: '张老师',
        what: '课堂上辱骂学生',
        attachments: [{ fileName: '录音说明.pdf', contentBase64: pdf.toString('base64') }],
      },
      remoteAddress: '10.9.1.3',
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const id = ((await handler.get('/api/v1/conduct-reports')).json() as { id: string }[])
      .map((r) => r.id)
      .find((candidate) => !before.has(candidate))!;
    const read = (await handler.get(`/api/v1/conduct-reports/${id}`)).json() as {
      files: { addedBy: string | null; step: string | null }[];
    };
    expect(read.files).toEqual([expect.objectContaining({ addedBy: null, step: null })]);
    const stored = await t.db
      .select()
      .from(conductReportFiles)
      .where(eq(conductReportFiles.reportId, id));
    expect(stored.map((row) => row.uploadedBy)).toEqual([null]);
  });

  it('refuses a wrong file type in Chinese and stores nothing', async () => {
    const id = await caseInHandling();
    const response = await attach('case_handler', id, 'run.exe', Buffer.from('MZ\x90\x00binary'));
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.json().error.message).toMatch(/[\u4e00-\u9fff]/);
    const stored = await t.db
      .select()
      .from(conductReportFiles)
      .where(eq(conductReportFiles.reportId, id));
    expect(stored).toHaveLength(0);
  });

  it('is refused to a non-handler (403)', async () => {
    const id = await caseInHandling();
    for (const role of ['admin', 'coordinator'] as const)
      expect((await attach(role, id, '处理决定.pdf', pdf)).statusCode).toBe(403);
  });
});

describe('matching the case to a roster teacher', () => {
  async function teacherOf(organization: string, workNo: string) {
    const now = t.clock.now();
    const [row] = await t.db
      .insert(teachers)
      .values({
        organizationId: organization,
        workNo,
        name: '张三',
        departmentName: '教务处',
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return row!;
  }

  it("shows the matched teacher to the handler and never in the follow view; another organization's teacher is refused", async () => {
    const handler = clients.get('case_handler')!;
    const before = new Set(
      ((await handler.get('/api/v1/conduct-reports')).json() as { id: string }[]).map((r) => r.id),
    );
    const submitted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/organizations/${organizationId}/conduct-reports`,
      payload: { teacher: '张老师', what: '课堂上辱骂学生' },
      remoteAddress: '10.9.1.2',
    });
    const { receipt } = submitted.json() as { receipt: string };
    const id = ((await handler.get('/api/v1/conduct-reports')).json() as { id: string }[])
      .map((r) => r.id)
      .find((candidate) => !before.has(candidate))!;
    const mine = await teacherOf(organizationId, 'T-MATCH-01');
    const other = await createInstitution(t.db, [{ name: '学生处' }]);
    const foreign = await teacherOf(other.organization.id, 'T-FOREIGN-01');

    const found = await handler.get('/api/v1/conduct-reports/roster?q=MATCH');
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json()).toEqual([
      { id: mine.id, name: '张三', workNo: 'T-MATCH-01', departmentName: '教务处' },
    ]);
    expect((await handler.get('/api/v1/conduct-reports/roster?q=FOREIGN')).json()).toEqual([]);

    const refused = await handler.request({
      method: 'POST',
      url: `/api/v1/conduct-reports/${id}/teacher`,
      payload: { teacherId: foreign.id, version: 1 },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.message).toMatch(/[\u4e00-\u9fff]/);
    const unchanged = (await handler.get(`/api/v1/conduct-reports/${id}`)).json();
    expect(unchanged).toMatchObject({ matchedTeacher: null, version: 1 });

    const matched = await handler.post(`/api/v1/conduct-reports/${id}/teacher`, {
      teacherId: mine.id,
      version: 1,
    });
    expect(matched.statusCode, matched.body).toBe(200);
    expect(matched.json().matchedTeacher).toEqual({
      id: mine.id,
      name: '张三',
      workNo: 'T-MATCH-01',
      departmentName: '教务处',
    });
    const stale = await handler.post(`/api/v1/conduct-reports/${id}/teacher`, {
      teacherId: null,
      version: 1,
    });
    expect(stale.statusCode).toBe(409);

    const followed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/public/conduct-reports/follow',
      payload: { receipt },
    });
    expect(followed.statusCode).toBe(200);
    expect(followed.body).not.toContain('T-MATCH-01');
    expect(followed.body).not.toContain(mine.id);
    expect(followed.body).not.toContain('张三');

    const audited = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'conductReport.matchTeacher'));
    expect(audited.map((row) => row.entityId)).toContain(id);

    for (const role of ['admin', 'coordinator'] as const) {
      const client = clients.get(role)!;
      expect(
        (
          await client.post(`/api/v1/conduct-reports/${id}/teacher`, {
            teacherId: null,
            version: 2,
          })
        ).statusCode,
      ).toBe(403);
      expect((await client.get('/api/v1/conduct-reports/roster?q=')).statusCode).toBe(403);
    }
  });
});
