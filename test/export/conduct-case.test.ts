import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import { mustEnrolTotp } from '../../src/shared/powers';
import {
  createInstitution,
  createTestApp,
  createUser,
  enrolTotp,
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
    // The reporter's line breaks are kept: each paragraph starts its own line.
    const lines = text.join('\n').split('\n').map(squeeze);
    expect(lines.filter((row) => /^第\d+段：/.test(row))).toHaveLength(60);
    for (const page of text) expect(squeeze(page)).toContain(`导出人${handlerUser.username}`);
    await pngsOfFirstPages(pdf!, outDir, 'case', 2);
  });
});
