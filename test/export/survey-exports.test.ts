import { rm } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import type { SurveyResults, SurveyView } from '../../src/shared/api/surveys';
import type { Questionnaire } from '../../src/shared/surveys/questionnaire';
import { importRoster, rosterSheet, teachersOf } from '../support/roster';
import {
  createInstitution,
  createTestApp,
  createUser,
  projectRoot,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';
import {
  convertWithLibreOffice,
  isA4,
  pdfLayoutText,
  pdfPages,
  pdfRawText,
  pngsOfFirstPages,
  squeeze,
  writeBytes,
} from './office';

/**
 * The anonymous survey's exports printed (issues 14, 18): the results workbook and the 调研报告
 * draft (item 54), through LibreOffice to PDF, read back as a reader would see them.
 */
const outDir = path.join(projectRoot, 'test-results/exports/survey');

let t: TestApp;
const clock = new ManualClock('2026-11-20T02:00:00Z');
beforeAll(async () => {
  await rm(outDir, { recursive: true, force: true });
  t = await createTestApp({ clock });
});
afterAll(async () => t.close());

const scale = { min: 1, max: 5, minLabel: '很不满意', maxLabel: '非常满意' };
const question = {
  required: false,
  options: [] as string[],
  rows: [] as string[],
};
const questionnaire: Questionnaire = {
  sections: [
    {
      title: '一、基本情况',
      description: '',
      questions: [
        {
          ...question,
          id: 'q1',
          kind: 'single',
          title: '您参加学校（学院）组织的政治理论学习的频率',
          required: true,
          options: ['每月一次及以上', '每学期一两次', '很少参加', '从未参加'],
        },
        {
          ...question,
          id: 'q2',
          kind: 'multiple',
          title: '您希望以哪些形式开展教师政治理论学习（可多选）',
          options: [
            '专家专题报告',
            '支部集中研讨',
            '红色教育基地现场教学',
            '线上自主学习',
            '国情考察与社会实践',
          ],
        },
      ],
    },
    {
      title: '二、满意度评价',
      description: '请对以下各方面打分。',
      questions: [
        {
          ...question,
          id: 'q3',
          kind: 'rating',
          title: '总体而言，您对学校教师思想政治工作的满意程度',
          required: true,
          scale,
        },
        {
          ...question,
          id: 'q4',
          kind: 'matrix',
          title: '您对以下各方面工作的满意程度',
          scale,
          rows: [
            '理论学习与政治引领（每月理论学习、形势政策教育）',
            '师德师风建设（师德教育、宣传、考核、监督）',
            '谈心谈话与关心关爱（了解诉求、解决困难）',
          ],
        },
      ],
    },
    {
      title: '三、意见建议',
      description: '',
      questions: [
        {
          ...question,
          id: 'q5',
          kind: 'text',
          title: '您对学校教师思想政治工作有哪些意见和建议',
        },
        {
          ...question,
          id: 'q6',
          kind: 'text',
          title: '其他需要说明的情况',
        },
      ],
    },
  ],
};

/** Two long open answers, one of a few lines, one of about 1,000 characters; numbered so a cut end shows. */
const longAnswer = (label: string, sentences: number) =>
  Array.from(
    { length: sentences },
    (_, index) =>
      `${label}第${index + 1}点：建议学校进一步改进理论学习的组织方式，减少照本宣科，多结合学科特点和教师关切开展研讨交流。`,
  ).join('');
const LONG = longAnswer('甲', 20);
const MEDIUM = longAnswer('乙', 3);

/** The answers of 11 teachers: 6 of 马克思主义学院, 5 of 外国语学院. */
const answersOf = (index: number) => ({
  q1: index % 4,
  q2: index % 3 === 0 ? [0, 1] : index % 3 === 1 ? [2] : [1, 3, 4],
  q3: 1 + (index % 5),
  q4: [5 - (index % 3), 3 + (index % 2), index % 4 === 0 ? null : 2 + (index % 4)],
  q5: index === 0 ? LONG : index === 1 ? MEDIUM : index === 2 ? '希望多组织研修' : '',
  q6: index === 3 ? '无' : '',
});

async function links(client: SignedInClient, surveyId: string) {
  const response = await client.get(`/api/v1/surveys/${surveyId}/links.xlsx`);
  expect(response.statusCode).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.rawPayload as unknown as ExcelJS.Buffer);
  const rows: { workNo: string; code: string }[] = [];
  workbook.worksheets[0]!.eachRow((row, number) => {
    if (number <= 2) return;
    rows.push({ workNo: String(row.getCell(1).value), code: String(row.getCell(4).value) });
  });
  return rows;
}

async function printed(name: string, bytes: Buffer) {
  const file = await writeBytes(path.join(outDir, name), bytes);
  const [pdf] = await convertWithLibreOffice([file], 'pdf', outDir);
  return {
    pdf: pdf!,
    pages: await pdfPages(pdf!),
    layout: await pdfLayoutText(pdf!),
    raw: await pdfRawText(pdf!),
  };
}

/**
 * Whether a table row printed with its figures: some printed line holds the start of the row's
 * label and, after it (on that line or the next), the figures; the whole label is checked on its own.
 */
function rowPrinted(pages: string[], label: string, figures: string): boolean {
  const start = squeeze(label).slice(0, 8);
  const lines = pages.join('\n').split('\n').map(squeeze);
  // A cell centred on a row of two lines may print on either.
  return lines.some((line, index) => {
    const at = line.indexOf(start);
    return at >= 0 && (line + (lines[index + 1] ?? '')).slice(at).includes(figures);
  });
}

/**
 * Whether `text` is printed whole in `printed` (both squeezed), in at most `most` pieces: a text
 * too long for one spreadsheet row goes on in the rows below, which may print on the next page.
 * Takes the longest prefix found each time, and wants each piece to be more than a few characters.
 */
function printedInPieces(text: string, printed: string, most: number): boolean {
  let rest = text;
  for (let piece = 0; piece < most && rest.length > 0; piece++) {
    let [low, high] = [0, rest.length];
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (printed.includes(rest.slice(0, middle))) low = middle;
      else high = middle - 1;
    }
    if (low < Math.min(10, rest.length)) return false;
    rest = rest.slice(low);
  }
  return rest.length === 0;
}

const pct = (n: number, d: number) => (d === 0 ? '—' : `${Math.round((n / d) * 1000) / 10}%`);

describe('anonymous survey exports printed', () => {
  let results: SurveyResults;
  let survey: SurveyView;
  let coordinator: SignedInClient;

  beforeAll(async () => {
    const { organization } = await createInstitution(t.db, [
      { name: '马克思主义学院', kind: 'teaching' },
      { name: '外国语学院', kind: 'teaching' },
    ]);
    coordinator = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'coordinator')).username,
    );
    await importRoster(
      coordinator,
      await rosterSheet([
        ...teachersOf('马克思主义学院', 'M', 8),
        ...teachersOf('外国语学院', 'W', 8),
      ]),
    );
    const created = await coordinator.post('/api/v1/surveys', {
      title: '2026年度教师思想政治状况调查问卷',
      intro: '问卷匿名填写。',
      itemNos: [52],
      year: 2026,
      questionnaire,
      population: { kind: 'all' },
    });
    expect(created.statusCode, created.body).toBe(201);
    survey = created.json() as SurveyView;
    const opened = await coordinator.post(`/api/v1/surveys/${survey.id}/open`);
    expect(opened.statusCode, opened.body).toBe(200);
    const invitations = await links(coordinator, survey.id);
    const respondents = [
      ...invitations.filter((row) => row.workNo.startsWith('M')).slice(0, 6),
      ...invitations.filter((row) => row.workNo.startsWith('W')).slice(0, 5),
    ];
    for (const [index, row] of respondents.entries()) {
      const answered = await t.app.inject({
        method: 'POST',
        url: '/api/v1/public/survey-answer',
        payload: { token: row.code, answers: answersOf(index) },
      });
      expect(answered.statusCode, answered.body).toBe(204);
    }
    const response = await coordinator.get(
      `/api/v1/surveys/${survey.id}/results?dimension=department`,
    );
    expect(response.statusCode, response.body).toBe(200);
    results = response.json() as SurveyResults;
    expect(results).toMatchObject({ responses: 11, invited: 16, threshold: 5 });
    expect(results.breakdown!.groups.filter((group) => !group.hidden)).toHaveLength(2);
  });

  it('prints the results workbook on A4 with every question, figure, header and open answer whole', async () => {
    const response = await coordinator.get(`/api/v1/surveys/${survey.id}/results.xlsx`);
    expect(response.statusCode, response.body).toBe(200);
    const { pdf, pages, layout, raw } = await printed('results.xlsx', response.rawPayload);
    await pngsOfFirstPages(pdf, outDir, 'results', 6);
    expect(pages.length).toBeGreaterThan(0);
    // the overview, the tallies, a page for each of the 7 breakdowns, the 11 answers on a few more
    expect(pages.length).toBeLessThanOrEqual(15);
    // A4 every page: the overview and the tallies portrait, the answers (the last sheet) landscape
    for (const page of pages) expect(isA4(page, 'portrait') || isA4(page, 'landscape')).toBe(true);
    expect(isA4(pages[0]!, 'portrait')).toBe(true);
    expect(isA4(pages.at(-1)!, 'landscape')).toBe(true);
    const all = squeeze(layout.join('\n'));
    const rawAll = squeeze(raw.join('\n'));
    expect(all).toContain(squeeze(survey.title));
    // every heading of every sheet, whole
    for (const header of [
      '发放人数',
      '有效答卷',
      '回收率',
      '题号',
      '题目',
      '选项/行',
      '人数或均分',
      '占比',
    ])
      expect(all).toContain(header);
    expect(all).toContain(`有效答卷${results.responses}`);
    expect(all).toContain(`回收率${results.responseRate}%`);
    results.questions.forEach((tally, index) => {
      const title = squeeze(tally.title);
      expect(rawAll, `question ${index + 1}`).toContain(title);
      // the 答卷 sheet's heading for the question
      expect(rawAll).toContain(squeeze(`${index + 1}. ${tally.title}`));
      if (tally.kind === 'single' || tally.kind === 'multiple' || tally.kind === 'rating')
        tally.labels.forEach((label, option) => {
          const count = tally.counts[option] ?? 0;
          expect(rawAll).toContain(squeeze(label));
          expect(
            rowPrinted(layout, label, `${count}${pct(count, tally.answered)}`),
            `${tally.title} ${label}`,
          ).toBe(true);
        });
      if (tally.kind === 'rating') expect(rowPrinted(layout, '均分', `${tally.mean}`)).toBe(true);
      if (tally.kind === 'matrix')
        for (const row of tally.rows) {
          expect(rawAll).toContain(squeeze(row.label));
          expect(rowPrinted(layout, row.label, `${row.mean}`), row.label).toBe(true);
        }
      if (tally.kind === 'text')
        expect(rowPrinted(layout, tally.title, `填写人数${tally.answered}`)).toBe(true);
    });
    // the open answers, the longest among them, whole
    expect(printedInPieces(squeeze(LONG), rawAll, 4)).toBe(true);
    expect(rawAll).toContain(squeeze(MEDIUM));
    // the breakdown by department: both departments, with their numbers of answers
    for (const group of results.breakdown!.groups)
      expect(all).toContain(`${group.name}${group.responses}`);
  });

  it("prints the pending personal links on A4 with every teacher's link whole", async () => {
    const response = await coordinator.get(`/api/v1/surveys/${survey.id}/links.xlsx`);
    expect(response.statusCode, response.body).toBe(200);
    const { pages, layout, raw } = await printed('links.xlsx', response.rawPayload);
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.every((page) => isA4(page, 'landscape'))).toBe(true);
    for (const [index, page] of layout.entries())
      expect(squeeze(page)).toContain(`第${index + 1}页共${pages.length}页`);
    const rawAll = squeeze(raw.join('\n'));
    const pending = await links(coordinator, survey.id);
    // 16 invited, 11 answered: the other 5 still have their links
    expect(pending).toHaveLength(5);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ExcelJS.Buffer);
    workbook.worksheets[0]!.eachRow((row, number) => {
      if (number <= 2) return;
      for (const column of [1, 2, 3, 4, 5])
        expect(rawAll, `row ${number} column ${column}`).toContain(
          squeeze(String(row.getCell(column).value)),
        );
    });
  });

  it('prints the 调研报告 draft on A4 portrait with the figures of every question', async () => {
    const response = await coordinator.get(`/api/v1/surveys/${survey.id}/report.docx`);
    expect(response.statusCode, response.body).toBe(200);
    const { pdf, pages, layout, raw } = await printed('report.docx', response.rawPayload);
    await pngsOfFirstPages(pdf, outDir, 'report', 4);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.length).toBeLessThanOrEqual(10);
    expect(pages.every((page) => isA4(page, 'portrait'))).toBe(true);
    const all = squeeze(layout.join('\n'));
    const rawAll = squeeze(raw.join('\n'));
    expect(all).toContain('2026年度教师思想政治状况调研报告（初稿）');
    expect(all).toContain(squeeze(survey.title));
    expect(all).toContain(`面向${results.invited}名教师发放，回收有效答卷${results.responses}份`);
    expect(all).toContain(`回收率${results.responseRate}%`);
    expect(all).toContain(
      `满意（赞同）度为${results.favourable.value}%（${results.favourable.numerator}/${results.favourable.denominator}`,
    );
    results.questions.forEach((tally, index) => {
      if (tally.kind === 'text') return;
      expect(all, `question ${index + 1}`).toContain(
        squeeze(`${index + 1}. ${tally.title}（${tally.answered}人作答`),
      );
      if (tally.mean !== null) expect(all).toContain(`均分${tally.mean}）`);
      if (tally.kind === 'matrix')
        for (const row of tally.rows) {
          expect(rawAll).toContain(squeeze(row.label));
          expect(rowPrinted(layout, row.label, `${row.mean}`), row.label).toBe(true);
        }
      else
        tally.labels.forEach((label, option) => {
          const count = tally.counts[option] ?? 0;
          expect(rawAll).toContain(squeeze(label));
          expect(
            rowPrinted(layout, label, `${count}${pct(count, tally.answered)}`),
            `${tally.title} ${label}`,
          ).toBe(true);
        });
    });
    for (const group of results.breakdown!.groups)
      expect(all).toContain(`${group.name}${group.responses}份`);
    // the open answers quoted whole, across the page numbers at the page breaks
    const text = squeeze(layout.map((page) => page.replace(/—\s*\d+\s*—/g, '')).join('\n'));
    expect(text).toContain(squeeze(`——${LONG}`));
    expect(text).toContain(squeeze(`——${MEDIUM}`));
    expect(all).toContain('工作举措');
    // "— N —" at the foot of every page, N its number (GB/T 9704, as the quality report)
    for (const [index, page] of layout.entries())
      expect(squeeze(page), `page ${index + 1}`).toContain(`—${index + 1}—`);
    // each question's line is on the page of its table's first row
    results.questions.forEach((tally, index) => {
      if (tally.kind === 'text') return;
      const line = squeeze(`${index + 1}. ${tally.title}`);
      const first = squeeze(tally.kind === 'matrix' ? tally.rows[0]!.label : tally.labels[0]!);
      const page = layout.findIndex((text) => squeeze(text).includes(line));
      expect(page, `question ${index + 1}`).toBeGreaterThanOrEqual(0);
      expect(squeeze(layout[page]!).slice(squeeze(layout[page]!).indexOf(line))).toContain(
        first.slice(0, 8),
      );
    });
    // every table fits the page: no line of text wider than the page's text
    for (const page of layout)
      for (const line of page.split('\n')) expect(line.length).toBeLessThan(200);
  });
});
