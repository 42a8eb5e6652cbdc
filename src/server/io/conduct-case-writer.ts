import {
  AlignmentType,
  Document,
  Footer,
  Header,
  Packer,
  PageNumber,
  Paragraph,
  TextRun,
} from 'docx';

/** What a case export shows: the case as the handler reads it, already in words (no rules here). */
export interface ConductCaseDocument {
  title: string;
  /** Label and value rows: state, outcome, teacher, what happened… */
  fields: { label: string; value: string }[];
  /** The history, one line each, oldest first. */
  history: string[];
  /** The watermark on every page: 导出人 … 时间 … (time already in the institution's zone). */
  watermark: string;
}

const A4 = { width: 11906, height: 16838 };

/** A case of 师德师风监督举报 as a .docx: A4, the exporter and time in every page's header, page numbers. */
export async function writeConductCaseDocx(document: ConductCaseDocument): Promise<Buffer> {
  const line = (text: string, bold = false) =>
    // A label stays on the page of the text it names.
    new Paragraph({
      spacing: { after: 120 },
      keepNext: bold,
      children: [new TextRun({ text, bold })],
    });
  // The reporter's own line breaks are kept: one paragraph per line they wrote.
  const lines = (text: string) =>
    (text || '—')
      .split(/\r?\n/)
      .filter((part, index, all) => part.trim() !== '' || all.length === 1)
      .map((part) => line(part));
  const children = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 240 },
      children: [new TextRun({ text: document.title, bold: true, size: 36 })],
    }),
    ...document.fields.flatMap((field) => [line(field.label, true), ...lines(field.value)]),
    line('办理记录', true),
    ...document.history.map((entry) => line(entry)),
  ];
  const doc = new Document({
    sections: [
      {
        properties: {
          page: { size: A4, margin: { top: 1800, bottom: 1600, left: 1587, right: 1474 } },
        },
        headers: {
          default: new Header({
            children: [
              new Paragraph({
                alignment: AlignmentType.RIGHT,
                children: [new TextRun({ text: document.watermark, color: '999999', size: 18 })],
              }),
            ],
          }),
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  new TextRun({
                    children: [
                      '第 ',
                      PageNumber.CURRENT,
                      ' 页，共 ',
                      PageNumber.TOTAL_PAGES,
                      ' 页',
                    ],
                  }),
                ],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return Buffer.from(await Packer.toBuffer(doc));
}
