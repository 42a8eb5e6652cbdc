/**
 * The HR office's export of teachers (教师名册) as Luoshi reads it: headers recognised by their
 * synonyms, each row turned into a teacher's fields, and the 青年教师 rule. Pure: no Node, no DOM.
 */

export const staffKinds = ['full_time', 'management', 'other'] as const;
export type StaffKind = (typeof staffKinds)[number];

/** What a roster column means. */
export const rosterFields = [
  'workNo',
  'name',
  'department',
  'birthDate',
  'ageBand',
  'returnedOverseas',
  'political',
  'partyMember',
  'nonPartyRepresentative',
  'staffKind',
  'title',
  'phone',
  'email',
] as const;
export type RosterField = (typeof rosterFields)[number];

/** Header words by meaning; a header matches when, without spaces and brackets, it is one of them. */
const synonyms: Record<RosterField, readonly string[]> = {
  workNo: [
    '工号',
    '职工号',
    '教工号',
    '教职工号',
    '人员编号',
    '人事编号',
    '工作证号',
    '编号',
    'workno',
    'staffno',
    'employeeid',
  ],
  name: ['姓名', '教师姓名', '教职工姓名', '人员姓名', 'name'],
  department: [
    '部门',
    '单位',
    '所在单位',
    '所在部门',
    '所属部门',
    '所属单位',
    '院系',
    '二级单位',
    '工作单位',
    'department',
  ],
  birthDate: ['出生日期', '出生年月', '出生年月日', '生日', 'birthdate', 'dateofbirth'],
  ageBand: ['年龄段', '年龄', '年龄区间', 'ageband', 'age'],
  returnedOverseas: [
    '海外归国',
    '是否海外归国',
    '留学归国',
    '是否留学归国',
    '海归',
    '海外经历',
    'returnedoverseas',
  ],
  political: ['政治面貌', 'political'],
  partyMember: ['党员', '是否党员', '是否中共党员', 'partymember'],
  nonPartyRepresentative: [
    '党外代表人士',
    '是否党外代表人士',
    '党外代表',
    'nonpartyrepresentative',
  ],
  staffKind: [
    '岗位类别',
    '人员类别',
    '岗位类型',
    '人员类型',
    '专任/管理',
    '专任或管理',
    '教师类别',
    'stafftype',
  ],
  title: ['职称', '专业技术职务', '技术职称', '职务职称', 'title'],
  phone: ['手机', '手机号', '手机号码', '联系电话', '电话', '移动电话', 'phone', 'mobile'],
  email: ['邮箱', '电子邮箱', '电子邮件', '邮件', 'email', 'e-mail'],
};

const normaliseHeader = (text: string) =>
  text.replace(/[\s()（）【】[\]*＊:：]/g, '').toLowerCase();

export function fieldOfHeader(text: string): RosterField | null {
  // 所在单位（部门）: the words before a bracket count too
  for (const candidate of [text, text.replace(/[（(【[].*$/, '')]) {
    const key = normaliseHeader(candidate);
    if (key === '') continue;
    for (const field of rosterFields)
      if (synonyms[field].some((word) => normaliseHeader(word) === key)) return field;
  }
  return null;
}

export interface RosterHeader {
  /** 0-based index of the header row among the rows given. */
  rowIndex: number;
  columns: Map<RosterField, number>;
}

/** The header row: among the first ten, the one naming the most fields, with 工号 and 姓名. */
export function findRosterHeader(rows: readonly (readonly string[])[]): RosterHeader | null {
  let best: RosterHeader | null = null;
  for (let rowIndex = 0; rowIndex < Math.min(rows.length, 10); rowIndex++) {
    const columns = new Map<RosterField, number>();
    rows[rowIndex]!.forEach((cell, column) => {
      const field = fieldOfHeader(cell);
      if (field && !columns.has(field)) columns.set(field, column);
    });
    if (!columns.has('workNo') || !columns.has('name')) continue;
    if (!best || columns.size > best.columns.size) best = { rowIndex, columns };
  }
  return best;
}

export function parseYesNo(text: string): boolean | null {
  const value = text.trim().toLowerCase();
  if (value === '') return null;
  if (['是', 'y', 'yes', 'true', '1', '√', '✓', '有'].includes(value)) return true;
  if (['否', 'n', 'no', 'false', '0', '×', '无', '-'].includes(value)) return false;
  return null;
}

/** 中共党员 and 中共预备党员 are party members; 民主党派, 群众 and the rest are not. */
export function isPartyMemberWord(text: string): boolean {
  return /中共(预备)?党员|^党员$|^预备党员$/.test(text.trim());
}

export function staffKindOf(text: string): StaffKind | null {
  const value = text.trim();
  if (value === '') return null;
  if (/专任|专技|教学|教师|科研/.test(value)) return 'full_time';
  if (/管理|行政|职员|辅导员|党政/.test(value)) return 'management';
  return 'other';
}

/** 1985-03-12, 1985/3/12, 1985年3月12日, 1985.03, 1985年3月, 19850312 → an ISO date (the 1st when no day). */
export function parseBirthDate(text: string): string | null {
  const value = text.trim();
  if (value === '') return null;
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  const parts =
    compact ??
    /^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?\s*日?$/.exec(
      value.replace(/月$/, ''),
    );
  if (!parts) return null;
  const year = Number(parts[1]);
  const month = Number(parts[2]);
  const day = parts[3] ? Number(parts[3]) : 1;
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Whole years from a birth date to a day (both ISO). */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * The highest age an age band admits: "35岁以下" 35 (以下 includes it), "36-40岁" 40, "40岁及以下" 40,
 * "不满35岁" 34, "37" 37; null when it has no upper bound (56岁以上) or cannot be read.
 */
export function ageBandUpperBound(band: string): number | null {
  const value = band.trim();
  if (/以上|及以上|>|≥/.test(value)) return null;
  const numbers = [...value.matchAll(/\d+/g)].map((match) => Number(match[0]));
  if (numbers.length === 0) return null;
  const upper = Math.max(...numbers);
  return /不满|未满|<(?!=)/.test(value) ? upper - 1 : upper;
}

/**
 * 青年教师: aged at most `ageLimit` on `day` (by birth date), or in an age band entirely within the
 * limit; null when neither tells.
 */
export function isYoungTeacher(
  teacher: { birthDate: string | null; ageBand: string | null },
  ageLimit: number,
  day: string,
): boolean | null {
  if (teacher.birthDate) return ageOn(teacher.birthDate, day) <= ageLimit;
  if (teacher.ageBand) {
    const upper = ageBandUpperBound(teacher.ageBand);
    if (upper !== null && upper <= ageLimit) return true;
    const numbers = [...teacher.ageBand.matchAll(/\d+/g)].map((m) => Number(m[0]));
    // a band reaching past the limit says "not young" only when it starts above it
    return numbers.length > 0 && Math.min(...numbers) > ageLimit ? false : null;
  }
  return null;
}

/** One teacher as a roster row gives them. */
export interface RosterEntry {
  /** 1-based row number in the sheet. */
  row: number;
  workNo: string;
  name: string;
  departmentName: string | null;
  birthDate: string | null;
  ageBand: string | null;
  returnedOverseas: boolean;
  partyMember: boolean;
  nonPartyRepresentative: boolean;
  staffKind: StaffKind | null;
  title: string | null;
  phone: string | null;
  email: string | null;
}

export const rosterProblemCodes = [
  'teachers.row_no_work_no',
  'teachers.row_no_name',
  'teachers.row_duplicate_work_no',
  'teachers.row_bad_birth_date',
  'teachers.row_unknown_department',
] as const;
export type RosterProblemCode = (typeof rosterProblemCodes)[number];

export interface RosterProblem {
  row: number;
  code: RosterProblemCode;
  params: Record<string, string | number>;
  /** A warning imports the row anyway (an unknown department leaves it without one). */
  severity: 'error' | 'warning';
}

/** The rows under the header as entries, and the rows that cannot be read. */
export function readRosterRows(
  rows: readonly (readonly string[])[],
  header: RosterHeader,
  sourceRow: (index: number) => number = (index) => index + 1,
): { entries: RosterEntry[]; problems: RosterProblem[] } {
  const entries: RosterEntry[] = [];
  const problems: RosterProblem[] = [];
  const seen = new Map<string, number>();
  const cell = (cells: readonly string[], field: RosterField) => {
    const column = header.columns.get(field);
    return column === undefined ? '' : (cells[column] ?? '').trim();
  };
  const optional = (text: string) => (text === '' ? null : text);
  for (let index = header.rowIndex + 1; index < rows.length; index++) {
    const cells = rows[index]!;
    if (cells.every((text) => text.trim() === '')) continue;
    const row = sourceRow(index);
    const workNo = cell(cells, 'workNo');
    const name = cell(cells, 'name');
    if (workNo === '') {
      problems.push({ row, code: 'teachers.row_no_work_no', params: { row }, severity: 'error' });
      continue;
    }
    if (name === '') {
      problems.push({
        row,
        code: 'teachers.row_no_name',
        params: { row, workNo },
        severity: 'error',
      });
      continue;
    }
    const earlier = seen.get(workNo);
    if (earlier !== undefined) {
      problems.push({
        row,
        code: 'teachers.row_duplicate_work_no',
        params: { row, workNo, earlier },
        severity: 'error',
      });
      continue;
    }
    seen.set(workNo, row);
    const birthText = cell(cells, 'birthDate');
    const birthDate = parseBirthDate(birthText);
    if (birthText !== '' && !birthDate)
      problems.push({
        row,
        code: 'teachers.row_bad_birth_date',
        params: { row, value: birthText.slice(0, 40) },
        severity: 'warning',
      });
    const political = cell(cells, 'political');
    const partyFlag = parseYesNo(cell(cells, 'partyMember'));
    entries.push({
      row,
      workNo,
      name,
      departmentName: optional(cell(cells, 'department')),
      birthDate,
      ageBand: optional(cell(cells, 'ageBand')),
      returnedOverseas: parseYesNo(cell(cells, 'returnedOverseas')) === true,
      partyMember: partyFlag ?? isPartyMemberWord(political),
      nonPartyRepresentative:
        parseYesNo(cell(cells, 'nonPartyRepresentative')) === true || /党外代表/.test(political),
      staffKind: staffKindOf(cell(cells, 'staffKind')),
      title: optional(cell(cells, 'title')),
      phone: optional(cell(cells, 'phone')),
      email: optional(cell(cells, 'email')),
    });
  }
  return { entries, problems };
}

/** The fields a re-import compares, in the order a preview lists them. */
export const comparedFields = [
  'name',
  'departmentId',
  'birthDate',
  'ageBand',
  'returnedOverseas',
  'partyMember',
  'nonPartyRepresentative',
  'staffKind',
  'title',
  'phone',
  'email',
] as const;
export type ComparedField = (typeof comparedFields)[number];
export type ComparedTeacher = { [K in ComparedField]: string | boolean | null };

/** Which fields differ between the roster's record and the sheet's. */
export function changedFields(current: ComparedTeacher, next: ComparedTeacher): ComparedField[] {
  return comparedFields.filter((field) => (current[field] ?? null) !== (next[field] ?? null));
}
