import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import { teachers } from '../../src/server/modules/teachers/teacher.table';
import { mustEnrolTotp } from '../../src/shared/powers';
import {
  createInstitution,
  createTestApp,
  createUser,
  enrolTotp,
  multipartFile,
  projectRoot,
  signIn,
  type TestApp,
} from '../support/test-app';
import {
  convertWithLibreOffice,
  isA4,
  pdfLayoutText,
  pdfPages,
  pngsOfFirstPages,
  squeeze,
  writeBytes,
} from './office';

/** A conduct case printed from its .docx: what it says, and on every page who exported it. */
const outDir = path.join(projectRoot, 'test-results/exports/conduct-case');

let t: TestApp;
const clock = new ManualClock('2026-11-20T02:00:00Z');
beforeAll(async () => {
  await rm(outDir, { recursive: true, force: true });
  t = await createTestApp({ clock });
});
afterAll(async () => t.close());

describe('师德师风监督举报 case printed', () => {
  it('prints on A4 with the report, the steps and the exporter and time on every page', async () => {
    const { organization } = await createInstitution(t.db);
    const handlerUser = await createUser(t.db, organization.id, 'case_handler');
    const handler = await signIn(t.app, handlerUser.username);
    if (mustEnrolTotp({ role: 'case_handler', totpEnabled: false }))
      await enrolTotp(handler, clock);
    // A long account, so that the case runs over more than one page.
    const what = Array.from(
      { length: 60 },
      (_, index) =>
        `第${index + 1}段：该教师在课堂上多次发表不当言论，学生反映强烈，现场有录音为证。`,
    ).join('\n');
    const filed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/organizations/${organization.id}/conduct-reports`,
      payload: { teacher: '张老师（某学院）', what, when: '2026年11月上旬' },
      remoteAddress: '10.9.1.1',
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const [listed] = (await handler.get('/api/v1/conduct-reports')).json() as { id: string }[];
    const response = await handler.get(`/api/v1/conduct-reports/${listed!.id}/docx`);
    expect(response.statusCode, response.body).toBe(200);

    const docx = await writeBytes(path.join(outDir, 'case.docx'), response.rawPayload);
    const [pdf] = await convertWithLibreOffice([docx], 'pdf', outDir);
    const pages = await pdfPages(pdf!);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.every((page) => isA4(page, 'portrait'))).toBe(true);
    const text = await pdfLayoutText(pdf!);
    const all = squeeze(text.join('\n'));
    expect(all).toContain('张老师（某学院）');
    expect(all).toContain('第1段：');
    // Nothing cut: the last paragraph of the account is printed too.
    expect(all).toContain('第60段：');
    expect(all).toContain('2026年11月上旬');
    // Not matched to the roster: no roster line at all.
    expect(all).not.toContain('名册教师');
    expect(all).not.toContain('工号');
    // The reporter's line breaks are kept: each paragraph starts its own line.
    const lines = text.join('\n').split('\n').map(squeeze);
    expect(lines.filter((row) => /^第\d+段：/.test(row))).toHaveLength(60);
    for (const page of text) expect(squeeze(page)).toContain(`导出人${handlerUser.username}`);
    await pngsOfFirstPages(pdf!, outDir, 'case', 2);
  });

  it("prints the roster teacher the handler matched beside the reporter's words, and who uploaded the decision", async () => {
    const { organization } = await createInstitution(t.db);
    const handlerUser = await createUser(t.db, organization.id, 'case_handler');
    const handler = await signIn(t.app, handlerUser.username);
    if (mustEnrolTotp({ role: 'case_handler', totpEnabled: false }))
      await enrolTotp(handler, clock);
    const filed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/organizations/${organization.id}/conduct-reports`,
      payload: { teacher: '化学系的王老师', what: '课堂上辱骂学生。' },
      remoteAddress: '10.9.1.2',
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const [listed] = (await handler.get('/api/v1/conduct-reports')).json() as { id: string }[];
    const id = listed!.id;
    const now = clock.now();
    const [teacher] = await t.db
      .insert(teachers)
      .values({
        organizationId: organization.id,
        workNo: 'T-2026-0417',
        name: '王建国',
        departmentName: '化学化工学院',
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const matched = await handler.post(`/api/v1/conduct-reports/${id}/teacher`, {
      teacherId: teacher!.id,
      version: 1,
    });
    expect(matched.statusCode, matched.body).toBe(200);
    let version = (matched.json() as { version: number }).version;
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
    const { payload, headers } = multipartFile(
      '处理决定.pdf',
      Buffer.from('%PDF-1.4\n% 处理决定\ntrailer\n<< >>\n%%EOF\n'),
    );
    const attached = await handler.request({
      method: 'POST',
      url: `/api/v1/conduct-reports/${id}/decision-files`,
      payload,
      headers,
    });
    expect(attached.statusCode, attached.body).toBe(201);

    const response = await handler.get(`/api/v1/conduct-reports/${id}/docx`);
    expect(response.statusCode, response.body).toBe(200);
    const docx = await writeBytes(path.join(outDir, 'matched.docx'), response.rawPayload);
    const [pdf] = await convertWithLibreOffice([docx], 'pdf', outDir);
    const all = squeeze((await pdfLayoutText(pdf!)).join('\n'));
    // The reporter's words stay as written, and the handler's match is printed beside them.
    expect(all).toContain('化学系的王老师');
    expect(all).toContain('名册教师');
    expect(all).toContain('王建国');
    expect(all).toContain('工号T-2026-0417');
    expect(all).toContain('化学化工学院');
    expect(all).toContain('处理决定.pdf（case_handleruser于处理环节添加）');
    await pngsOfFirstPages(pdf!, outDir, 'matched', 1);
  });
});
