import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { conductReportFiles } from '../../src/server/modules/conduct-reports/conduct-report.table';
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
  }
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

const attach = (role: Role, id: string, fileName: string, bytes: Buffer) => {
  const { payload, headers } = multipartFile(fileName, bytes);
  return clients.get(role)!.request({
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
