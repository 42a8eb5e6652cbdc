import {
  AlignmentType,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  VerticalMergeType,
  WidthType,
} from 'docx';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { tablePlaces, type XmlTable } from '../../src/server/io/docx-table-xml';

const table: XmlTable = {
  columnWidths: [1200, 3000, 2400],
  width: 6600,
  header: {
    texts: ['一级指标', '指标内容 & "要求"', "落实措施 <'说明'>"],
    font: '黑体',
    halfPoints: 21,
  },
  body: {
    font: '仿宋_GB2312',
    halfPoints: 21,
    rows: [
      [
        { lines: ['一、党的领导'], verticalAlign: 'center', verticalMerge: 'restart' },
        { lines: ['1.建立健全机制', '第二行 a<b & c>d'], verticalAlign: 'top' },
        { lines: ['措施\u0007一\u0000（控制字符不入文件）'], verticalAlign: 'top' },
      ],
      [
        { lines: [''], verticalAlign: 'center', verticalMerge: 'continue' },
        { lines: [''], verticalAlign: 'top' },
        { lines: ['措施二\t含制表符'], verticalAlign: 'top' },
      ],
    ],
  },
};

/** The same table built by the docx library, cell by cell, as the writers built it before. */
function libraryTable(): Table {
  const run = (text: string, font: string, bold = false) =>
    new TextRun({ text, font, size: 21, ...(bold ? { bold: true } : {}) });
  const width = (position: number) => ({
    size: table.columnWidths[position]!,
    type: WidthType.DXA,
  });
  return new Table({
    width: { size: table.width, type: WidthType.DXA },
    columnWidths: [...table.columnWidths],
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({
        tableHeader: true,
        cantSplit: true,
        children: table.header.texts.map(
          (text, position) =>
            new TableCell({
              verticalAlign: VerticalAlign.CENTER,
              width: width(position),
              children: [
                new Paragraph({
                  alignment: AlignmentType.CENTER,
                  children: [run(text, '黑体', true)],
                }),
              ],
            }),
        ),
      }),
      ...table.body.rows.map(
        (row) =>
          new TableRow({
            children: row.map(
              (cell, position) =>
                new TableCell({
                  width: width(position),
                  verticalAlign:
                    cell.verticalAlign === 'top' ? VerticalAlign.TOP : VerticalAlign.CENTER,
                  ...(cell.verticalMerge
                    ? {
                        verticalMerge:
                          cell.verticalMerge === 'restart'
                            ? VerticalMergeType.RESTART
                            : VerticalMergeType.CONTINUE,
                      }
                    : {}),
                  children:
                    cell.verticalMerge === 'continue'
                      ? [new Paragraph('')]
                      : cell.lines.map(
                          (line) => new Paragraph({ children: [run(line, '仿宋_GB2312')] }),
                        ),
                }),
            ),
          }),
      ),
    ],
  });
}

async function documentXml(bytes: Buffer): Promise<string> {
  return (await JSZip.loadAsync(bytes)).file('word/document.xml')!.async('string');
}

function documentOf(children: (Paragraph | Table)[]): Document {
  return new Document({ sections: [{ children }] });
}

describe('a Word table written as text', () => {
  it('is the docx library’s own XML for the same table, byte for byte, between the paragraphs around it', async () => {
    const around = (text: string) => new Paragraph({ children: [new TextRun(text)] });
    const byLibrary = await documentXml(
      await Packer.toBuffer(
        documentOf([around('前'), libraryTable(), around('中'), libraryTable(), around('后')]),
      ),
    );
    const places = tablePlaces();
    const spliced = await places.splice(
      await Packer.toBuffer(
        documentOf([
          around('前'),
          places.place(table),
          around('中'),
          places.place(table),
          around('后'),
        ]),
      ),
    );
    expect(await documentXml(spliced)).toBe(byLibrary);
    expect(byLibrary).toContain('指标内容 &amp; &quot;要求&quot;');
    expect(byLibrary).not.toMatch(/[\u0000\u0007]/);
  });

  it('refuses to write a document that lost one of its places', async () => {
    const places = tablePlaces();
    places.place(table);
    const withoutPlace = await Packer.toBuffer(documentOf([new Paragraph('正文')]));
    await expect(places.splice(withoutPlace)).rejects.toThrow('Found 0 of 1 table places');
  });
});
