import ExcelJS from 'exceljs';
import { userSheetColumns } from '../../shared/users/user-sheet';
import { heightFor, printOptions, workbookBytes } from './sheet-layout';
import { spreadsheetSafe } from './task-breakdown-writer';

/** exceljs keeps range validations here at run time (its typings only know the per-cell one). */
interface RangeValidations {
  add(range: string, validation: ExcelJS.DataValidation): void;
}

/** The rows the template offers a drop-down list on. */
const LISTED_ROWS = 1000;
const OPTIONS_SHEET = '选项';

export interface UserTemplate {
  /** The role words, in the order the list offers them. */
  roles: readonly string[];
  departments: readonly string[];
  example: {
    username: string;
    displayName: string;
    role: string;
    department: string;
    email: string;
    phone: string;
  };
}

const headerFill: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFDCE6F1' },
};
const thin: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

/**
 * The users sheet to fill in: the heading (用户名 姓名 角色 所属部门 邮箱 电话), an example row,
 * drop-down lists for 角色 and 所属部门 (from a hidden sheet, so that 80 department names fit),
 * and a second sheet saying how to fill it. Every cell is text, so that Excel keeps 0-leading
 * phone numbers and never reads anything as a formula.
 */
export async function writeUserTemplateXlsx(template: UserTemplate): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('用户', {
    ...printOptions({ orientation: 'landscape', titleRows: [1, 1] }),
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  const widths = [18, 14, 16, 24, 28, 16];
  sheet.columns = userSheetColumns.map((_column, index) => ({
    width: widths[index]!,
    style: { numFmt: '@' },
  }));
  const header = sheet.addRow([...userSheetColumns]);
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = headerFill;
    cell.border = thin;
  });
  const { example } = template;
  const exampleRow = sheet.addRow(
    [
      example.username,
      example.displayName,
      example.role,
      example.department,
      example.email,
      example.phone,
    ].map(spreadsheetSafe),
  );
  exampleRow.eachCell((cell) => {
    cell.font = { italic: true, color: { argb: 'FF808080' } };
  });

  const options = workbook.addWorksheet(OPTIONS_SHEET, {
    ...printOptions({ orientation: 'portrait', titleRows: [1, 1] }),
    state: 'hidden',
  });
  options.getCell(1, 1).value = '角色';
  options.getCell(1, 2).value = '所属部门';
  template.roles.forEach((role, index) => (options.getCell(index + 2, 1).value = role));
  template.departments.forEach(
    (department, index) => (options.getCell(index + 2, 2).value = department),
  );
  const validations = (sheet as unknown as { dataValidations: RangeValidations }).dataValidations;
  validations.add(`C2:C${LISTED_ROWS}`, {
    type: 'list',
    allowBlank: true,
    formulae: [`'${OPTIONS_SHEET}'!$A$2:$A$${template.roles.length + 1}`],
    showErrorMessage: true,
    errorTitle: '角色',
    error: `请从下拉列表中选择：${template.roles.join('、')}`,
  });
  if (template.departments.length > 0) {
    validations.add(`D2:D${LISTED_ROWS}`, {
      type: 'list',
      allowBlank: true,
      formulae: [`'${OPTIONS_SHEET}'!$B$2:$B$${template.departments.length + 1}`],
      showErrorMessage: true,
      errorTitle: '所属部门',
      error: '请从下拉列表中选择部门；没有的部门请先在“部门管理”中添加。',
    });
  }

  const help = workbook.addWorksheet('填写说明', printOptions({ orientation: 'portrait' }));
  help.getColumn(1).width = 100;
  for (const line of [
    '填写说明',
    '1. 每行填写一个人；第 2 行是示例（灰色斜体），不会导入，可以保留或删除。',
    '2. 用户名：登录时使用，只能用英文字母、数字和 . _ @ -，例如 zhangsan 或 jwc-liaison；不能与已有用户重复。',
    `3. 角色：从下拉列表中选择（${template.roles.join('、')}）。`,
    '4. 所属部门：从下拉列表中选择；部门联络员必须填写。',
    '5. 邮箱、电话可不填。',
    '6. 上传后系统先检查并列出每一行的问题；全部无误后确认，才会创建用户，并一次性给出每个人的初始密码。',
  ])
    help.addRow([line]);
  help.eachRow((row) => {
    row.getCell(1).alignment = { wrapText: true, vertical: 'top' };
    row.height = heightFor(String(row.getCell(1).value), 100, 14);
  });
  help.getCell(1, 1).font = { bold: true, size: 14 };
  return workbookBytes(workbook);
}

/**
 * The one-time passwords of the users just created, for the person to hand out. Kept as text
 * cells (never formulas) exactly as issued: an apostrophe would change the password.
 */
export async function writeOneTimePasswordsXlsx(
  rows: readonly { username: string; displayName: string; oneTimePassword: string }[],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(
    '一次性密码',
    printOptions({ orientation: 'portrait', titleRows: [1, 1] }),
  );
  sheet.columns = [{ width: 20 }, { width: 16 }, { width: 22 }].map((column) => ({
    ...column,
    style: { numFmt: '@' },
  }));
  const header = sheet.addRow(['用户名', '姓名', '一次性密码']);
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = headerFill;
    cell.border = thin;
  });
  for (const row of rows) {
    const added = sheet.addRow([
      row.username,
      spreadsheetSafe(row.displayName),
      row.oneTimePassword,
    ]);
    added.getCell(3).font = { name: 'Consolas' };
  }
  sheet.addRow([]);
  const note = sheet.addRow([
    '请把用户名和一次性密码分别告知本人；首次登录后需修改密码。本表请妥善保管，发放后删除。',
  ]);
  // Across the three columns and wrapped, so that it prints whole within the page.
  sheet.mergeCells(note.number, 1, note.number, 3);
  note.getCell(1).alignment = { wrapText: true, vertical: 'top' };
  note.height = heightFor(String(note.getCell(1).value), 58, 11);
  return workbookBytes(workbook);
}
