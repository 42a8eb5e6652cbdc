import {
  AlignmentType,
  Document,
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
import { fontTableOverride } from './docx-fonts';
import {
  BODY_FONT,
  BODY_SIZE,
  LINE,
  OFFICIAL_FONTS,
  officialSection,
  TABLE_SIZE,
} from './official-document';
import {
  heightFor,
  MAX_ROW_HEIGHT,
  printOptions,
  splitForRows,
  workbookBytes,
} from './sheet-layout';
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

const SHEET_FONT = '仿宋_GB2312';
const SHEET_SIZE = 10.5;
const thin = { style: 'thin' as const };
const BORDER = { top: thin, left: thin, bottom: thin, right: thin };
/** Past this many characters of columns, the answers print over pages side by side rather than shrink. */
const FIT_WIDTH = 160;

/** A heading row: 黑体, centred, wrapped, shaded, as tall as its longest heading needs. */
function headingRow(sheet: ExcelJS.Worksheet, values: string[], widths: number[]): ExcelJS.Row {
  const row = sheet.addRow(values.map(spreadsheetSafe));
  row.height = Math.min(
    MAX_ROW_HEIGHT,
    Math.max(20, ...values.map((value, index) => heightFor(value, widths[index] ?? 10, 11))),
  );
  row.eachCell((cell) => {
    cell.font = { name: '黑体', size: 11, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
    cell.border = BORDER;
  });
  return row;
}

/** A sheet's title over its heading row, across every column, so that a printed page says what it is. */
function titleRow(sheet: ExcelJS.Worksheet, text: string, widths: number[]) {
  const row = sheet.addRow([spreadsheetSafe(text)]);
  if (widths.length > 1) sheet.mergeCells(row.number, 1, row.number, widths.length);
  const across = widths.reduce((sum, width) => sum + width, 0);
  row.height = Math.min(MAX_ROW_HEIGHT, Math.max(26, heightFor(text, across, 14)));
  row.getCell(1).font = { name: '黑体', size: 14, bold: true };
  row.getCell(1).alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
}

/** A body row: wrapped at the top, bordered, as tall as its longest text needs; `centred` columns (from 0) centred. */
function bodyRow(
  sheet: ExcelJS.Worksheet,
  values: (string | number)[],
  widths: number[],
  centred: readonly number[] = [],
): ExcelJS.Row {
  const row = sheet.addRow(values.map((v) => (typeof v === 'number' ? v : spreadsheetSafe(v))));
  row.height = Math.min(
    MAX_ROW_HEIGHT,
    Math.max(
      18,
      ...values.map((value, index) => heightFor(String(value), widths[index] ?? 10, SHEET_SIZE)),
    ),
  );
  for (let index = 1; index <= widths.length; index++) {
    const cell = row.getCell(index);
    cell.font = { name: SHEET_FONT, size: SHEET_SIZE };
    cell.alignment = {
      vertical: 'top',
      wrapText: true,
      ...(centred.includes(index - 1) ? { horizontal: 'center' } : {}),
    };
    cell.border = BORDER;
  }
  return row;
}

function setWidths(sheet: ExcelJS.Worksheet, widths: number[]) {
  sheet.columns = widths.map((width) => ({ width }));
}

/** The answers sheet's width for a question's column, in characters. */
function answerWidth(question: ReturnType<typeof questionsOf>[number]): number {
  const longest = (texts: string[]) => Math.max(0, ...texts.map((text) => [...text].length));
  switch (question.kind) {
    case 'single':
      return Math.min(30, Math.max(12, longest(question.options) * 2 + 2));
    case 'multiple':
      return Math.min(36, Math.max(16, longest(question.options) * 2 + 2));
    case 'rating':
      return 10;
    case 'matrix':
      return Math.max(12, question.rows.length * 2 + 2);
    default:
      return 36;
  }
}

export async function writeSurveyResultsXlsx(document: SurveyDocument): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const overview = workbook.addWorksheet('概况', printOptions({ orientation: 'portrait' }));
  const overviewWidths = [18, 60];
  setWidths(overview, overviewWidths);
  const title = overview.addRow([spreadsheetSafe(document.title)]);
  overview.mergeCells(1, 1, 1, 2);
  title.height = Math.max(30, heightFor(document.title, 78, 16));
  title.getCell(1).font = { name: '方正小标宋简体', size: 16, bold: true };
  title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  const facts: [string, string][] = [
    ['发放人数', String(document.results.invited)],
    ['有效答卷', String(document.results.responses)],
    ['回收率', document.results.responseRate === null ? '—' : `${document.results.responseRate}%`],
    [
      '满意（赞同）度',
      document.results.favourable.value === null ? '—' : `${document.results.favourable.value}%`,
    ],
    ['说明', `问卷匿名；少于 ${document.results.threshold} 人的群体不单列。`],
  ];
  for (const [label, value] of facts) {
    const row = bodyRow(overview, [label, value], overviewWidths);
    row.getCell(1).font = { name: '黑体', size: SHEET_SIZE };
    row.getCell(2).alignment = { vertical: 'top', wrapText: true, horizontal: 'left' };
  }

  const perQuestion = workbook.addWorksheet('各题统计', {
    ...printOptions({ orientation: 'portrait', titleRows: [2, 2] }),
    views: [{ state: 'frozen', ySplit: 2 }],
  });
  const perQuestionWidths = [6, 40, 30, 11, 9];
  setWidths(perQuestion, perQuestionWidths);
  titleRow(perQuestion, `${document.title}：各题统计`, perQuestionWidths);
  headingRow(perQuestion, ['题号', '题目', '选项/行', '人数或均分', '占比'], perQuestionWidths);
  const addTally = (values: (string | number)[]) => {
    bodyRow(perQuestion, values, perQuestionWidths, [0, 3, 4]);
  };
  document.results.questions.forEach((tally, index) => {
    const no = index + 1;
    if (tally.kind === 'single' || tally.kind === 'multiple' || tally.kind === 'rating')
      for (const [option, label] of tally.labels.entries()) {
        const count = tally.counts[option] ?? 0;
        addTally([no, tally.title, label, count, pct(count, tally.answered)]);
      }
    if (tally.kind === 'rating') addTally([no, tally.title, '均分', tally.mean ?? '—', '']);
    if (tally.kind === 'matrix')
      for (const row of tally.rows) addTally([no, tally.title, row.label, row.mean ?? '—', '']);
    if (tally.kind === 'text') addTally([no, tally.title, '填写人数', tally.answered, '']);
  });

  const scored = questionsOf(document.questionnaire).filter(
    (q) => q.kind === 'rating' || q.kind === 'matrix',
  );
  const scoredHeadings = scored.flatMap((q) =>
    q.kind === 'matrix' ? q.rows.map((row) => `${q.title}：${row}`) : [q.title],
  );
  for (const { label, results } of document.breakdowns) {
    if (!results) continue;
    const sheet = workbook.addWorksheet(`按${label}`.slice(0, 31), {
      ...printOptions({
        orientation: scoredHeadings.length > 4 ? 'landscape' : 'portrait',
        titleRows: [2, 2],
      }),
      views: [{ state: 'frozen', ySplit: 2, xSplit: 1 }],
    });
    const widths = [16, 9, ...scoredHeadings.map(() => 14)];
    const numbers = widths.map((_, index) => index).slice(1);
    setWidths(sheet, widths);
    titleRow(sheet, `${document.title}：按${label}统计（均分）`, widths);
    headingRow(sheet, ['群体', '答卷数', ...scoredHeadings], widths);
    for (const group of results.groups) {
      if (group.hidden) {
        const row = bodyRow(
          sheet,
          [
            group.name,
            `少于${document.results.threshold}人，不单列`,
            ...scoredHeadings.map(() => ''),
          ],
          widths,
          numbers,
        );
        if (widths.length > 2) sheet.mergeCells(row.number, 2, row.number, widths.length);
        row.height = Math.max(18, heightFor(group.name, widths[0]!, SHEET_SIZE));
        continue;
      }
      bodyRow(
        sheet,
        [
          group.name,
          group.responses ?? '—',
          ...scored.flatMap((q) => {
            const found = group.questions.find((entry) => entry.id === q.id);
            return q.kind === 'matrix'
              ? q.rows.map((_, row) => found?.rowMeans[row] ?? '—')
              : [found?.mean ?? '—'];
          }),
        ],
        widths,
        numbers,
      );
    }
  }

  const questions = questionsOf(document.questionnaire);
  const widths = questions.map(answerWidth);
  const fits = widths.reduce((sum, width) => sum + width, 0) <= FIT_WIDTH;
  const layout = printOptions({ orientation: 'landscape', titleRows: [2, 2] });
  const raw = workbook.addWorksheet('答卷', {
    ...layout,
    pageSetup: fits ? layout.pageSetup : { ...layout.pageSetup, fitToPage: false, scale: 100 },
    views: [{ state: 'frozen', ySplit: 2 }],
  });
  setWidths(raw, widths);
  const scales = questions.flatMap((q, index) =>
    q.kind === 'rating' || q.kind === 'matrix' ? [index] : [],
  );
  titleRow(raw, `${document.title}：答卷（随机顺序，不含作答人信息）`, widths);
  headingRow(
    raw,
    questions.map((q, index) => `${index + 1}. ${q.title}`),
    widths,
  );
  for (const answers of document.answers) {
    // A text too long for one row goes on in the rows under it (the pieces joined give it back).
    const pieces = questions.map((q, index) =>
      splitForRows(
        answerText(document.questionnaire, q.id, answers[q.id] ?? null),
        widths[index]!,
        SHEET_SIZE,
      ),
    );
    const count = Math.max(...pieces.map((piece) => piece.length));
    for (let line = 0; line < count; line++)
      bodyRow(
        raw,
        pieces.map((piece) => piece[line] ?? ''),
        widths,
        scales,
      );
  }
  return workbookBytes(workbook);
}

export async function writeSurveyLinksXlsx(
  title: string,
  rows: { workNo: string; name: string; department: string; code: string; link: string }[],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('个人链接', {
    ...printOptions({ orientation: 'landscape', titleRows: [2, 2] }),
    views: [{ state: 'frozen', ySplit: 2, xSplit: 0 }],
  });
  const widths = [12, 10, 20, 14, 64];
  sheet.columns = widths.map((width) => ({ width }));
  const heading = `${title}：未作答教师的个人链接（仅限本人，作答后失效；请妥善保管，勿公开）`;
  const titleRow = sheet.addRow([heading]);
  sheet.mergeCells(1, 1, 1, widths.length);
  titleRow.getCell(1).font = { bold: true, size: 12 };
  titleRow.getCell(1).alignment = { wrapText: true, vertical: 'middle' };
  titleRow.height = heightFor(
    heading,
    widths.reduce((sum, width) => sum + width),
    12,
  );
  const header = sheet.addRow(['工号', '姓名', '部门', '作答码', '个人链接']);
  header.font = { bold: true };
  for (const row of rows) {
    const cells = [row.workNo, row.name, row.department, row.code, row.link];
    const added = sheet.addRow(cells.map(spreadsheetSafe));
    added.alignment = { wrapText: true, vertical: 'top' };
    added.height = Math.max(...cells.map((text, index) => heightFor(text, widths[index]!, 11)));
  }
  return workbookBytes(workbook);
}

const NUMBERS = ['一', '二', '三', '四', '五', '六'];
/** A paragraph of the body; `keepNext` holds it on the page of what follows (a question's table). */
const body = (text: string, keepNext = false) =>
  new Paragraph({
    spacing: LINE,
    indent: { firstLine: 640 },
    keepNext,
    children: [new TextRun({ text, font: BODY_FONT, size: BODY_SIZE })],
  });
const heading = (index: number, text: string) =>
  new Paragraph({
    spacing: LINE,
    indent: { firstLine: 640 },
    keepNext: true,
    children: [new TextRun({ text: `${NUMBERS[index]}、${text}`, font: '黑体', size: BODY_SIZE })],
  });
/**
 * A cell; `keepNext` on every row but the last keeps a short table on one page, the way Word keeps
 * a table together (a long one still breaks, its header row repeated).
 */
const cell = (text: string, header = false, keepNext = true) =>
  new TableCell({
    verticalAlign: VerticalAlign.CENTER,
    children: [
      new Paragraph({
        alignment: header ? AlignmentType.CENTER : AlignmentType.LEFT,
        keepNext,
        children: [new TextRun({ text, font: header ? '黑体' : BODY_FONT, size: TABLE_SIZE })],
      }),
    ],
  });
/** The text's width on the official page (A4, 28 mm left and 26 mm right), in twentieths of a point. */
const TEXT_WIDTH = 11906 - 1588 - 1474;
/** A table across the text; `shares` the columns' parts of it (the label column the widest). */
const table = (headers: string[], rows: string[][], shares: number[]) =>
  new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: shares.map((share) => Math.floor(TEXT_WIDTH * share)),
    rows: [
      new TableRow({ tableHeader: true, children: headers.map((h) => cell(h, true)) }),
      ...rows.map(
        (r, index) =>
          new TableRow({
            cantSplit: true,
            children: r.map((c) => cell(c, false, index < rows.length - 1)),
          }),
      ),
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
          text: `${document.year}年度教师思想政治状况调研报告`,
          font: '方正小标宋简体',
          size: 44,
        }),
        // 初稿 on a line of its own rather than wherever the title happens to wrap
        new TextRun({ text: '（初稿）', font: '方正小标宋简体', size: 44, break: 1 }),
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
        true,
      ),
    );
    if (tally.kind === 'matrix')
      children.push(
        table(
          ['内容', '均分'],
          tally.rows.map((row) => [row.label, row.mean === null ? '—' : String(row.mean)]),
          [0.8, 0.2],
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
          [0.6, 0.2, 0.2],
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
    creator: 'Luoshi',
    title: `${document.year}年度教师思想政治状况调研报告（初稿）`,
    evenAndOddHeaderAndFooters: true,
    sections: [officialSection(children)],
  });
  return Buffer.from(await Packer.toBuffer(doc, false, [fontTableOverride(OFFICIAL_FONTS)]));
}
