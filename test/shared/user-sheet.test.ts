import { describe, expect, it } from 'vitest';
import type { TableRow } from '../../src/shared/plan-import/document-blocks';
import {
  exampleUser,
  isUserSheetRefusal,
  readUserSheet,
  roleOfWord,
  roleWords,
  type UserSheetReading,
} from '../../src/shared/users/user-sheet';

const departments = [
  { id: '00000000-0000-4000-8000-000000000001', name: '教务处', aliases: ['教务部'] },
  { id: '00000000-0000-4000-8000-000000000002', name: '计算机学院', aliases: [] },
];
const rows = (...cells: string[][]): TableRow[] =>
  cells.map((row, index) => ({ cells: row, sourceRow: index + 1 }));
const heading = ['用户名', '姓名', '角色', '所属部门', '邮箱', '电话'];
function read(table: TableRow[], taken: string[] = []): UserSheetReading {
  const reading = readUserSheet(table, { departments, takenUsernames: new Set(taken) });
  if (isUserSheetRefusal(reading)) throw new Error(`refused: ${reading.code}`);
  return reading;
}

describe('the users sheet', () => {
  it('reads the roles by their Chinese words, short forms and identifiers', () => {
    expect(roleWords).toEqual([
      '系统管理员',
      '党委教师工作部',
      '部门联络员',
      '领导',
      '评价代表',
      '安全管理员',
      '安全审计员',
      '上级督导',
      '举报受理人',
    ]);
    expect(roleOfWord('case_handler')).toBe('case_handler');
    expect(roleOfWord('审计员')).toBe('auditor');
    expect(roleOfWord('security_admin')).toBe('security_admin');
    expect(roleOfWord(' 部门联络员 ')).toBe('liaison');
    expect(roleOfWord('联络员')).toBe('liaison');
    expect(roleOfWord('Reviewer')).toBe('reviewer');
    expect(roleOfWord('校长')).toBeNull();
  });

  it('reads good rows, matching departments by name or alias, skipping blank rows and the untouched example', () => {
    const reading = read(
      rows(
        heading,
        [exampleUser.username, exampleUser.displayName, '部门联络员', '教务处', '', ''],
        ['jwc-li', ' 李  四 ', '部门联络员', '教务部', 'li@example.edu.cn', '010-1'],
        ['', '', '', '', '', ''],
        ['Leader1', '王五', '领导', '', '', ''],
      ),
    );
    expect(reading.problems).toEqual([]);
    expect(reading.exampleRow).toBe(2);
    expect(reading.rowsRead).toBe(2);
    expect(reading.entries).toEqual([
      {
        row: 3,
        username: 'jwc-li',
        displayName: '李 四',
        role: 'liaison',
        departmentId: departments[0]!.id,
        departmentName: '教务处',
        email: 'li@example.edu.cn',
        phone: '010-1',
      },
      {
        row: 5,
        username: 'Leader1',
        displayName: '王五',
        role: 'leader',
        departmentId: null,
        departmentName: null,
        email: null,
        phone: null,
      },
    ]);
  });

  it('finds the columns by their headings in any order, under a title row', () => {
    const reading = read(
      rows(
        ['新学期联络员名单'],
        ['姓名', '角色', '用户名', '部门'],
        ['赵六', '联络员', 'cs-zhao', '计算机学院'],
      ),
    );
    expect(reading.entries).toMatchObject([
      {
        row: 3,
        username: 'cs-zhao',
        displayName: '赵六',
        role: 'liaison',
        departmentName: '计算机学院',
      },
    ]);
  });

  it('names every kind of bad row, and leaves such rows out of what it would create', () => {
    const reading = read(
      rows(
        heading,
        ['a1', '甲', '部门联络员', '不存在处', '', ''],
        ['dup', '乙', '领导', '', '', ''],
        ['DUP', '丙', '领导', '', '', ''],
        ['taken', '丁', '领导', '', '', ''],
        ['a2', '戊', '部门联络员', '', '', ''],
        ['a3', '己', '评价代表', '', 'not-an-email', ''],
        ['a4', '庚', '校长', '', '', ''],
        ['张三', '辛', '领导', '', '', ''],
        ['', '壬', '领导', '', '', ''],
        ['a5', '', '', '', '', '1'.repeat(41)],
      ),
      ['taken'],
    );
    expect(reading.problems.map((problem) => [problem.row, problem.code])).toEqual([
      [2, 'userSheet.unknown_department'],
      [4, 'userSheet.duplicate_in_file'],
      [5, 'userSheet.name_taken'],
      [6, 'userSheet.department_required'],
      [7, 'userSheet.bad_email'],
      [8, 'userSheet.unknown_role'],
      [9, 'userSheet.username_invalid'],
      [10, 'userSheet.username_missing'],
      [11, 'userSheet.name_missing'],
      [11, 'userSheet.role_missing'],
      [11, 'userSheet.phone_too_long'],
    ]);
    expect(reading.problems[1]!.params).toEqual({ username: 'DUP', first: 3 });
    expect(reading.entries.map((entry) => entry.username)).toEqual(['dup']);
  });

  it('refuses a sheet without the heading, and one with nobody in it', () => {
    expect(
      readUserSheet(rows(['名单'], ['张三', '教务处']), { departments, takenUsernames: new Set() }),
    ).toMatchObject({ code: 'userSheet.header_not_found' });
    expect(
      readUserSheet(
        rows(heading, [exampleUser.username, exampleUser.displayName, '部门联络员', '', '', '']),
        { departments, takenUsernames: new Set() },
      ),
    ).toMatchObject({ code: 'userSheet.no_rows' });
  });
});
