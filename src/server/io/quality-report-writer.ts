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
import type { QualityReport, Rate } from '../../shared/report/quality-report.contract';
import { fontTableOverride } from './docx-fonts';
import {
  BODY_FONT,
  BODY_SIZE,
  chineseDate,
  LINE,
  OFFICIAL_FONTS,
  officialSection,
  TABLE_SIZE,
} from './official-document';
import { indicatorLabel } from '../../shared/plan-import/indicator-tree';

/**
 * The quality report as a Chinese office sends it (GB/T 9704 where it applies to a report): A4,
 * 方正小标宋 title, 黑体 headings, 仿宋 body at 三号 with a fixed 28-point line, justified
 * (两端对齐), numbered 一、二、… sections, every table captioned (表1 …) in 仿宋 五号, headings and
 * captions kept with what follows, page numbers "— 1 —" in 宋体 四号 on the outer side (odd pages
 * right, even pages left, a character in from the edge), and the 落款 (issuer and date) at the end.
 * Layout only: every figure comes computed in the report.
 */

const SECTION_NUMBERS = ['一', '二', '三', '四', '五', '六', '七', '八'];

function body(text: string): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    spacing: LINE,
    indent: { firstLine: 640 },
    children: [new TextRun({ text, font: BODY_FONT, size: BODY_SIZE })],
  });
}

function heading(index: number, text: string): Paragraph {
  return new Paragraph({
    keepNext: true,
    keepLines: true,
    spacing: LINE,
    indent: { firstLine: 640 },
    children: [
      new TextRun({ text: `${SECTION_NUMBERS[index]}、${text}`, font: '黑体', size: BODY_SIZE }),
    ],
  });
}

function cell(text: string, header = false): TableCell {
  return new TableCell({
    verticalAlign: VerticalAlign.CENTER,
    children: [
      new Paragraph({
        alignment: header ? AlignmentType.CENTER : AlignmentType.LEFT,
        children: [
          new TextRun({ text, font: header ? '黑体' : BODY_FONT, size: TABLE_SIZE, bold: header }),
        ],
      }),
    ],
  });
}

function table(headers: string[], rows: string[][]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: headers.map((text) => cell(text, true)) }),
      ...rows.map(
        (row) => new TableRow({ cantSplit: true, children: row.map((text) => cell(text)) }),
      ),
    ],
  });
}

function caption(text: string): Paragraph {
  return new Paragraph({
    keepNext: true,
    keepLines: true,
    alignment: AlignmentType.CENTER,
    spacing: { before: 120, after: 120 },
    children: [new TextRun({ text, font: '黑体', size: 24 })],
  });
}

/** The one row of a flat task list (no levels above its items) in a by-level-1 table. */
const FLAT_PLAN_ROW = '全部任务';

/** 87.5% (21/24), or — when there is nothing to count. */
export function formatRate(rate: Rate): string {
  return rate.value === null ? '—' : `${rate.value}%（${rate.numerator}/${rate.denominator}）`;
}

export async function writeQualityReportDocx(
  report: QualityReport,
  /** The words for a finding's states and kinds; a value without a word is written as it is. */
  words: {
    findingStates: Readonly<Record<string, string>>;
    findingKinds: Readonly<Record<string, string>>;
  },
): Promise<Buffer> {
  const findingState = (state: string) => words.findingStates[state] ?? state;
  const findingKind = (kind: string) => words.findingKinds[kind] ?? kind;
  const { completion, obligations, selfAssessment, findings } = report;
  const children: (Paragraph | Table)[] = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 240, after: 240 },
      children: [new TextRun({ text: report.title, font: '方正小标宋简体', size: 44 })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 360 },
      children: [
        new TextRun({
          text: `${report.organizationName}　${chineseDate(report.asOf)}`,
          font: '楷体_GB2312',
          size: BODY_SIZE,
        }),
      ],
    }),
    body(
      `根据《${report.plan.title}》，现将${report.plan.cycleYear}年度工作质量情况报告如下。本报告所有数据均由系统根据各部门报送的记录自动生成，截至${chineseDate(report.asOf)}。`,
    ),
    heading(0, '总体情况'),
    body(
      `本年度方案共${report.totals.items}项指标，${report.totals.departments}个部门承担落实任务，制定落实措施${report.totals.measures}条，报送工作进度${report.totals.periodReports}次，提交佐证材料${report.totals.evidence}份。落实措施完成率${formatRate(completion.overall.completion)}，进度按时报送率${formatRate(completion.overall.onTime)}；量化要求达成率${formatRate(obligations.overall)}；查摆问题${findings.total}个，整改核验完成率${formatRate(findings.closedRate)}。`,
    ),
    heading(1, '任务落实情况'),
    caption('表1　各一级指标落实情况'),
    table(
      ['一级指标', '措施完成率', '按时报送率'],
      completion.byLevel1.map((row) => [
        indicatorLabel(row.code, row.title, '、') || FLAT_PLAN_ROW,
        formatRate(row.completion),
        formatRate(row.onTime),
      ]),
    ),
    caption('表2　各部门落实情况'),
    table(
      ['部门', '措施完成率', '按时报送率'],
      completion.byDepartment.map((row) => [
        row.name,
        formatRate(row.completion),
        formatRate(row.onTime),
      ]),
    ),
    heading(2, '量化要求达成情况'),
    ...(obligations.rows.length === 0
      ? [body('本年度未确认量化要求。')]
      : [caption('表3　量化要求达成情况')]),
    ...(obligations.rows.length === 0
      ? []
      : [
          table(
            ['指标', '量化要求', '达成率', '未达成期数'],
            obligations.rows.map((row) => [
              String(row.itemNo),
              row.description,
              formatRate(row.met),
              String(row.late),
            ]),
          ),
        ]),
    heading(3, '自评自测结果'),
    body(
      `按${selfAssessment.scale.map((level) => level.label).join('、')}评定，${selfAssessment.distribution.map((level) => `${level.label}${level.count}项`).join('，')}${selfAssessment.unrated > 0 ? `，尚未评定${selfAssessment.unrated}项` : ''}。`,
    ),
    caption(`表${obligations.rows.length === 0 ? 3 : 4}　各一级指标自评得分`),
    table(
      ['一级指标', '平均得分', '已评定/指标数'],
      selfAssessment.byLevel1.map((row) => [
        indicatorLabel(row.code, row.title, '、') || FLAT_PLAN_ROW,
        row.meanScore === null ? '—' : String(row.meanScore),
        `${row.rated}/${row.items}`,
      ]),
    ),
    heading(4, '问题查摆与整改情况'),
    body(
      `共查摆问题${findings.total}个，其中${findings.byState.map((state) => `${findingState(state.state)}${state.count}个`).join('，') || '无'}；逾期未完成整改${findings.overdue}个，纳入下年度重点工作${findings.carriedOver}个。`,
    ),
    ...(findings.rows.length > 0
      ? [
          caption(`表${obligations.rows.length === 0 ? 4 : 5}　查摆问题及整改情况`),
          table(
            ['问题', '类型', '责任部门', '整改时限', '状态'],
            findings.rows.map((row) => [
              row.title,
              findingKind(row.kind),
              row.owner,
              row.dueOn ? chineseDate(row.dueOn) : '—',
              `${findingState(row.state)}${row.overdue ? '（逾期）' : ''}`,
            ]),
          ),
        ]
      : []),
    ...(report.teachers && report.teachers.figures.length > 0
      ? [
          caption('表　教师覆盖与测评情况'),
          table(
            ['指标', '内容', '数值', '说明'],
            report.teachers.figures.map((figure) => [
              figure.itemNo === null ? '—' : `第${figure.itemNo}项`,
              figure.label,
              figure.value === null
                ? '—'
                : `${figure.value}%${figure.numerator !== null ? `（${figure.numerator}/${figure.denominator}）` : ''}`,
              figure.detail,
            ]),
          ),
        ]
      : []),
    heading(5, '工作亮点'),
    ...(report.highlights.length === 0
      ? [body('各部门尚未提交总结。')]
      : report.highlights.map((highlight) => body(`${highlight.department}：${highlight.text}`))),
    // 落款: the issuer centred over the date, the date four characters in from the right (GB/T 9704 7.3.5).
    new Paragraph({ spacing: LINE, keepNext: true, children: [] }),
    new Paragraph({
      spacing: LINE,
      keepNext: true,
      alignment: AlignmentType.RIGHT,
      indent: { right: 4 * 320 - 320 },
      children: [new TextRun({ text: report.organizationName, font: BODY_FONT, size: BODY_SIZE })],
    }),
    new Paragraph({
      spacing: LINE,
      alignment: AlignmentType.RIGHT,
      indent: { right: 4 * 320 },
      children: [new TextRun({ text: chineseDate(report.asOf), font: BODY_FONT, size: BODY_SIZE })],
    }),
  ];
  const document = new Document({
    creator: 'Luoshi',
    title: report.title,
    evenAndOddHeaderAndFooters: true,
    sections: [officialSection(children)],
  });
  return Packer.toBuffer(document, false, [fontTableOverride(OFFICIAL_FONTS)]);
}
