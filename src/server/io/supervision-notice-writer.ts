import {
  AlignmentType,
  Document,
  LineRuleType,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from 'docx';
import { fontTableOverride } from './docx-fonts';
import {
  BODY_FONT,
  BODY_SIZE,
  chineseDate,
  LINE,
  officialSection,
  TABLE_SIZE,
} from './official-document';

/**
 * 督办通知单 as a Chinese office prints it (GB/T 9704 where it applies): A4 with the official
 * margins, the number 督办〔2026〕N号 under a 方正小标宋 title, the department as 主送, 仿宋 三号 body on
 * a fixed 28-point line, the late items in a table whose header row repeats on every page, the
 * deadline to answer, the 落款, and page numbers "— 1 —" in 宋体 四号 on the outer side.
 * Layout only: the items, days and words come from the service.
 */

export interface NoticeDocument {
  organizationName: string;
  numberText: string;
  departmentName: string;
  issuedOn: string;
  answerDueOn: string;
  note: string | null;
  items: { itemNo: number | null; what: string; dueOn: string; daysLate: number; colour: string }[];
}

function paragraph(text: string, options: { indent?: boolean; font?: string } = {}): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    spacing: LINE,
    indent: options.indent === false ? undefined : { firstLine: 640 },
    children: [new TextRun({ text, font: options.font ?? BODY_FONT, size: BODY_SIZE })],
  });
}

function cell(text: string, header: boolean, width: number): TableCell {
  return new TableCell({
    verticalAlign: VerticalAlign.CENTER,
    width: { size: width, type: WidthType.DXA },
    children: [
      new Paragraph({
        alignment: header ? AlignmentType.CENTER : AlignmentType.LEFT,
        children: [new TextRun({ text, font: header ? '黑体' : BODY_FONT, size: TABLE_SIZE })],
      }),
    ],
  });
}

export async function writeSupervisionNotice(notice: NoticeDocument): Promise<Buffer> {
  // Twips over the 8844 of the type area (A4 less the GB/T 9704 margins), so LibreOffice and Word agree.
  const widths = [700, 3944, 2100, 1100, 1000];
  const itemsTable = new Table({
    width: { size: 8844, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({
        tableHeader: true,
        cantSplit: true,
        children: ['序号', '逾期事项', '完成时限', '逾期天数', '预警'].map((text, index) =>
          cell(text, true, widths[index]!),
        ),
      }),
      ...notice.items.map(
        (item, index) =>
          new TableRow({
            cantSplit: true,
            children: [
              String(index + 1),
              item.itemNo === null ? item.what : `第${item.itemNo}项：${item.what}`,
              chineseDate(item.dueOn),
              `${item.daysLate}天`,
              item.colour,
            ].map((text, column) => cell(text, false, widths[column]!)),
          }),
      ),
    ],
  });
  const children = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { line: 700, lineRule: LineRuleType.EXACT, after: 200 },
      children: [new TextRun({ text: '督办通知单', font: '方正小标宋简体', size: 44 })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { ...LINE, after: 280 },
      children: [new TextRun({ text: notice.numberText, font: BODY_FONT, size: BODY_SIZE })],
    }),
    paragraph(`${notice.departmentName}：`, { indent: false }),
    paragraph(
      `截至${chineseDate(notice.issuedOn)}，你单位承担的下列${notice.items.length}项工作已超过完成时限，现予督办。请抓紧落实，并于${chineseDate(notice.answerDueOn)}前将落实情况书面回复${notice.organizationName}（在系统“督办通知单”中填写回复）。`,
    ),
    ...(notice.note ? [paragraph(notice.note)] : []),
    new Paragraph({ spacing: { before: 120, after: 120 }, children: [] }),
    itemsTable,
    new Paragraph({ spacing: LINE, children: [] }),
    paragraph(`回复期限：${chineseDate(notice.answerDueOn)}`, { font: '黑体' }),
    new Paragraph({ spacing: LINE, keepNext: true, children: [] }),
    new Paragraph({
      spacing: LINE,
      keepNext: true,
      alignment: AlignmentType.RIGHT,
      indent: { right: 4 * 320 - 320 },
      children: [new TextRun({ text: notice.organizationName, font: BODY_FONT, size: BODY_SIZE })],
    }),
    new Paragraph({
      spacing: LINE,
      alignment: AlignmentType.RIGHT,
      indent: { right: 4 * 320 },
      children: [
        new TextRun({ text: chineseDate(notice.issuedOn), font: BODY_FONT, size: BODY_SIZE }),
      ],
    }),
  ];
  const document = new Document({
    creator: 'Luoshi',
    title: `督办通知单 ${notice.numberText}`,
    evenAndOddHeaderAndFooters: true,
    sections: [officialSection(children)],
  });
  return Packer.toBuffer(document, false, [
    fontTableOverride([BODY_FONT, '黑体', '方正小标宋简体', '宋体', 'Times New Roman']),
  ]);
}
