import ExcelJS from 'exceljs';
import { thirdPartyColumns } from '../../shared/satisfaction/result-sheet';
import { printOptions, workbookBytes } from './sheet-layout';

const thin: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

/**
 * The 第三方测评结果表 to fill in: the heading only (a sample row would be imported, so the example
 * is on the second sheet with how to fill it in). Every cell is text, so nothing is read as a
 * formula or a date.
 */
export async function writeThirdPartyTemplateXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('测评结果', {
    ...printOptions({ orientation: 'landscape', titleRows: [1, 1] }),
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  const widths = [10, 10, 12, 12, 30, 40];
  sheet.columns = thirdPartyColumns.map((_column, index) => ({
    width: widths[index]!,
    style: { numFmt: '@' },
  }));
  sheet.addRow([...thirdPartyColumns]).eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } };
    cell.border = thin;
  });
  const help = workbook.addWorksheet('填写说明', printOptions({ orientation: 'portrait' }));
  help.getColumn(1).width = 100;
  for (const line of [
    '填写说明',
    '1. 每行填写一项第三方测评结果，例如：2026 | 27 | 92.5 | 1200 | 某某评估机构 | 教师满意度测评。',
    '2. 年度：测评所属年度（如 2026）；指标：对应的工作方案指标序号（如 27、28）。',
    '3. 满意度：0–100 的数值（可带 %）；样本量：有效样本人数，可不填。',
    '4. 测评机构：出具结果的第三方；同一年度、指标和机构再次导入时更新原结果，不会重复。',
    '5. 导入时先检查全部行，任何一行有误则一行也不导入。导入后请在系统中为每项结果上传测评报告作为佐证材料。',
  ])
    help.addRow([line]);
  help.getRow(1).font = { bold: true, size: 14 };
  return workbookBytes(workbook);
}
