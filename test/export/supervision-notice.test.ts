import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NoticeView } from '../../src/shared/api/supervision';
import { ManualClock } from '../../src/server/clock';
import {
  createTestApp,
  institutionWithSeedPlan,
  projectRoot,
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

/** The printed 督办通知单: LibreOffice turns it into a PDF that says what the notice says. */
const outDir = path.join(projectRoot, 'test-results/exports/supervision-notice');

let t: TestApp;
beforeAll(async () => {
  await rm(outDir, { recursive: true, force: true });
  // 09:00 Beijing on 2024-05-20: the seed plan's breakdowns (due 2024-04-30) are 20 days late.
  t = await createTestApp({ clock: new ManualClock('2024-05-20T01:00:00Z') });
});
afterAll(async () => t.close());

describe('督办通知单 printed', () => {
  it('prints on A4 with its number, the department, the late items with deadlines and days, the deadline to answer and a page number', async () => {
    const { coordinator, idOf } = await institutionWithSeedPlan(t);
    const issued = await coordinator.post('/api/v1/supervision/notices', {
      departmentId: idOf('工会'),
      answerDueOn: '2024-05-31',
      note: '请高度重视，逐项落实。',
    });
    expect(issued.statusCode).toBe(201);
    const notice: NoticeView = issued.json();
    const response = await coordinator.get(`/api/v1/supervision/notices/${notice.id}/docx`);
    expect(response.statusCode).toBe(200);
    const docx = await writeBytes(path.join(outDir, 'notice.docx'), response.rawPayload);
    const [pdf] = await convertWithLibreOffice([docx], 'pdf', outDir);
    const pages = await pdfPages(pdf!);
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.every((page) => isA4(page, 'portrait'))).toBe(true);
    const text = await pdfLayoutText(pdf!);
    const all = squeeze(text.join('\n'));
    expect(all).toContain('督办通知单');
    expect(all).toContain(`督办〔2024〕${notice.number}号`);
    expect(all).toContain('工会：');
    expect(all).toContain('任务分解表');
    expect(all).toContain('2024年4月30日');
    expect(all).toContain('20天');
    expect(all).toContain('红色');
    expect(all).toContain('回复期限：2024年5月31日');
    expect(all).toContain('请高度重视，逐项落实。');
    // Every page carries its number "— n —".
    text.forEach((page, index) => expect(squeeze(page)).toContain(`—${index + 1}—`));
    await pngsOfFirstPages(pdf!, outDir, 'notice', 1);
  });
});
