import {
  AlignmentType,
  Document,
  LineRuleType,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from 'docx';
import ExcelJS from 'exceljs';
import type { SurveyResults } from '../../shared/api/surveys';
import type { Answers, Questionnaire } from '../../shared/surveys/questionnaire';
import { questionsOf } from '../../shared/surveys/questionnaire';
import { spreadsheetSafe } from './task-breakdown-writer';

/** A survey's results, the answers and the pending links as office files. Layout only. */

export interface SurveyDocument {
  title: string;
  organizationName: string;
  year: number;
  asOf: string;
  questionnaire: Questionnaire;
  results: SurveyResults;
  /** Every answer, in random order, with nothing else. */
  answers: Answers[];
  /** Breakdowns by dimension (only groups above the threshold carry numbers). */
  breakdowns: { label: string; results: SurveyResults['breakdown'] }[];
}

const pct = (n: number, d: number) => (d === 0 ? '—' : `${Math.round((n / d) * 1000) / 10}%`);

function answerText(questionnaire: Questionnaire, id: string, value: Answers[string]): string {
  const question = questionsOf(questionnaire).find((q) => q.id === id);
  if (!question || value === null || value === undefined) return '';
  if (question.kind === 'single' && typeof value === 'number') return question.options[value] ?? '';
  if (question.kind === 'multiple' && Array.isArray(value))
    return value.map((v) => (v === null ? '' : (question.options[v] ?? ''))).join('；');
  if (Array.isArray(value)) return value.map((v) => (v === null ? '-' : String(v))).join(' ');
  return String(value);
}

export async function writeSurveyResultsXlsx(document: SurveyDocument): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const overview = workbook.addWorksheet('概况');
  overview.addRow([document.title]);
  overview.addRow(['发放人数', document.results.invited]);
  overview.addRow(['有效答卷', document.results.responses]);
  overview.addRow([
    '回收率',
    document.results.responseRate === null ? '—' : `${document.results.responseRate}%`,
  ]);
  overview.addRow([
    '满意（赞同）度',
    document.results.favourable.value === null ? '—' : `${document.results.favourable.value}%`,
  ]);
  overview.addRow(['说明', `问卷匿名；少于 ${document.results.threshold} 人的群体不单列。`]);
  overview.getColumn(1).width = 18;
  overview.getColumn(2).width = 40;

  const perQuestion = workbook.addWorksheet('各题统计');
  perQuestion.addRow(['题号', '题目', '选项/行', '人数或均分', '占比']);
  document.results.questions.forEach((tally, index) => {
    const no = index + 1;
    if (tally.kind === 'single' || tally.kind === 'multiple' || tally.kind === 'rating')
      tally.labels.forEach((label, option) =>
        perQuestion.addRow([
          no,
          spreadsheetSafe(tally.title),
          spreadsheetSafe(label),
          tally.counts[option] ?? 0,
          pct(tally.counts[option] ?? 0, tally.answered),
        ]),
      );
    if (tally.kind === 'rating')
      perQuestion.addRow([no, spreadsheetSafe(tally.title), '均分', tally.mean ?? '—', '']);
    if (tally.kind === 'matrix')
      tally.rows.forEach((row) =>
        perQuestion.addRow([
          no,
          spreadsheetSafe(tally.title),
          spreadsheetSafe(row.label),
          row.mean ?? '—',
          '',
        ]),
      );
    if (tally.kind === 'text')
      perQuestion.addRow([no, spreadsheetSafe(tally.title), '填写人数', tally.answered, '']);
  });
  perQuestion.getColumn(2).width = 50;
  perQuestion.getColumn(3).width = 40;

  for (const { label, results } of document.breakdowns) {
    if (!results) continue;
    const sheet = workbook.addWorksheet(`按${label}`.slice(0, 31));
    const scored = questionsOf(document.questionnaire).filter(
      (q) => q.kind === 'rating' || q.kind === 'matrix',
    );
    sheet.addRow([
      '群体',
      '答卷数',
      ...scored
        .flatMap((q) =>
          q.kind === 'matrix' ? q.rows.map((row) => `${q.title}：${row}`) : [q.title],
        )
        .map(spreadsheetSafe),
    ]);
    for (const group of results.groups) {
      if (group.hidden) {
        sheet.addRow([group.name, `少于${document.results.threshold}人，不单列`]);
        continue;
      }
      sheet.addRow([
        group.name,
        group.responses,
        ...scored.flatMap((q) => {
          const found = group.questions.find((entry) => entry.id === q.id);
          return q.kind === 'matrix'
            ? (found?.rowMeans ?? []).map((v) => v ?? '—')
            : [found?.mean ?? '—'];
        }),
      ]);
    }
  }

  const raw = workbook.addWorksheet('答卷');
  const questions = questionsOf(document.questionnaire);
  raw.addRow(questions.map((q, index) => spreadsheetSafe(`${index + 1}. ${q.title}`)));
  for (const answers of document.answers)
    raw.addRow(
      questions.map((q) =>
        spreadsheetSafe(answerText(document.questionnaire, q.id, answers[q.id] ?? null)),
      ),
    );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function writeSurveyLinksXlsx(
  title: string,
  rows: { workNo: string; name: string; department: string; code: string; link: string }[],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('个人链接');
  sheet.addRow([`${title}：未作答教师的个人链接（仅限本人，作答后失效；请妥善保管，勿公开）`]);
  sheet.addRow(['工号', '姓名', '部门', '作答码', '个人链接']);
  for (const row of rows)
    sheet.addRow([row.workNo, row.name, row.department, row.code, row.link].map(spreadsheetSafe));
  sheet.getColumn(5).width = 60;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const BODY_FONT = '仿宋_GB2312';
const BODY_SIZE = 32;
const LINE = { line: 560, lineRule: LineRuleType.EXACT } as const;
const NUMBERS = ['一', '二', '三', '四', '五', '六'];
const body = (text: string) =>
  new Paragraph({
    spacing: LINE,
    indent: { firstLine: 640 },
    children: [new TextRun({ text, font: BODY_FONT, size: BODY_SIZE })],
  });
const heading = (index: number, text: string) =>
  new Paragraph({
    spacing: LINE,
    indent: { firstLine: 640 },
    children: [new TextRun({ text: `${NUMBERS[index]}、${text}`, font: '黑体', size: BODY_SIZE })],
  });
const cell = (text: string, header = false) =>
  new TableCell({
    verticalAlign: VerticalAlign.CENTER,
    children: [
      new Paragraph({
        alignment: header ? AlignmentType.CENTER : AlignmentType.LEFT,
        children: [new TextRun({ text, font: header ? '黑体' : BODY_FONT, size: 21 })],
      }),
    ],
  });
const table = (headers: string[], rows: string[][]) =>
  new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: headers.map((h) => cell(h, true)) }),
      ...rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c) => cell(c)) })),
    ],
  });

/** 调研报告 (item 54): a draft with the figures, the weakest points, and room for the measures. */
export async function writeSurveyReportDocx(document: SurveyDocument): Promise<Buffer> {
  const { results } = document;
  const scored = results.questions
    .flatMap((tally) =>
      tally.kind === 'rating'
        ? [{ title: tally.title, mean: tally.mean }]
        : tally.kind === 'matrix'
          ? tally.rows.map((row) => ({ title: `${tally.title}：${row.label}`, mean: row.mean }))
          : [],
    )
    .filter((entry): entry is { title: string; mean: number } => entry.mean !== null);
  const weakest = [...scored].sort((a, b) => a.mean - b.mean).slice(0, 3);
  const [year, month, day] = document.asOf.split('-').map(Number);
  const children: (Paragraph | Table)[] = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 240, after: 240 },
      children: [
        new TextRun({
          text: `${document.year}年度教师思想政治状况调研报告（初稿）`,
          font: '方正小标宋简体',
          size: 44,
        }),
      ],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 360 },
      children: [
        new TextRun({
          text: `${document.organizationName}　${year}年${month}月${day}日`,
          font: '楷体_GB2312',
          size: BODY_SIZE,
        }),
      ],
    }),
    heading(0, '调研概况'),
    body(
      `为准确把握教师思想状况，学校开展“${document.title}”。问卷面向${results.invited}名教师发放，回收有效答卷${results.responses}份，回收率${results.responseRate ?? '—'}%。问卷匿名填写，系统不保存作答人与答案的对应关系，少于${results.threshold}人的群体不单独统计。`,
    ),
    heading(1, '主要结果'),
    body(
      `各评分题总体满意（赞同）度为${results.favourable.value ?? '—'}%（${results.favourable.numerator}/${results.favourable.denominator}，按各量表最高两档计）。`,
    ),
  ];
  results.questions.forEach((tally, index) => {
    if (tally.kind === 'text') return;
    children.push(
      body(
        `${index + 1}. ${tally.title}（${tally.answered}人作答${tally.mean !== null ? `，均分${tally.mean}` : ''}）`,
      ),
    );
    if (tally.kind === 'matrix')
      children.push(
        table(
          ['内容', '均分'],
          tally.rows.map((row) => [row.label, row.mean === null ? '—' : String(row.mean)]),
        ),
      );
    else
      children.push(
        table(
          ['选项', '人数', '占比'],
          tally.labels.map((label, option) => [
            label,
            String(tally.counts[option] ?? 0),
            pct(tally.counts[option] ?? 0, tally.answered),
          ]),
        ),
      );
  });
  children.push(heading(2, '分群体情况'));
  for (const { label, results: breakdown } of document.breakdowns) {
    if (!breakdown) continue;
    const shown = breakdown.groups.filter((group) => !group.hidden);
    const hidden = breakdown.groups.length - shown.length;
    children.push(
      body(
        `按${label}：${shown.map((group) => `${group.name}${group.responses}份`).join('，') || '各群体均不足统计人数'}${hidden > 0 ? `；另有${hidden}个群体不足${results.threshold}人，不单列` : ''}。`,
      ),
    );
  }
  children.push(heading(3, '薄弱环节和突出问题'));
  if (weakest.length === 0) children.push(body('（本问卷无评分题，请根据开放题意见归纳。）'));
  for (const entry of weakest)
    children.push(body(`${entry.title}：均分${entry.mean}，在各评分项中较低。`));
  const texts = results.questions.flatMap((tally) => tally.texts);
  if (texts.length > 0) {
    children.push(
      body(`开放题共收到意见建议${texts.length}条，摘录如下（随机顺序，不含任何作答人信息）：`),
    );
    for (const text of texts.slice(0, 20)) children.push(body(`——${text}`));
  }
  children.push(heading(4, '工作举措'));
  children.push(body('（请针对上述薄弱环节，逐项写明改进举措、责任部门和完成时限。）'));
  for (const entry of weakest)
    children.push(body(`针对“${entry.title}”：________（责任部门：____，完成时限：____）`));
  const doc = new Document({
    sections: [
      {
        properties: { page: { margin: { top: 2098, bottom: 1984, left: 1587, right: 1474 } } },
        children,
      },
    ],
  });
  return Buffer.from(await Packer.toBuffer(doc));
}
