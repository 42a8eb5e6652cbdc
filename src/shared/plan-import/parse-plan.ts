import { AppError } from '../errors';
import type { ParsedDepartmentRef, ParsedItem, ParsedPlan } from './contract';
import {
  groupSelectsKind,
  guessDepartmentKind,
  inferAliases,
  isGroupName,
  isPlaceholderName,
  resolveDepartmentRefs,
  splitDepartmentCell,
  splitRunTogether,
} from './departments';
import type { DocumentBlocks, TableRow } from './document-blocks';
import { parsePreamble } from './preamble-parser';
import { findHeader, type ColumnMap } from './table-header';

export interface ParseOptions {
  /** Names of the organization's departments (and their aliases) already known. */
  knownDepartments?: readonly string[];
  /** alias → canonical name, from the organization's departments. */
  aliases?: Readonly<Record<string, string>>;
  maxRows?: number;
}

const LEVEL1_NUMBERING = /^\s*([一二三四五六七八九十百]+)\s*[、.．]\s*/;
const LEVEL2_NUMBERING = /^\s*(\d+)\s*[.．、]\s*/;
const ITEM_NUMBERING = /^\s*(?:(\d+)\s*[.．、]|[（(](\d+)[)）])\s*/;

function squeeze(text: string): string {
  return text.replace(/\s+/g, '').trim();
}

function levelTitle(cell: string, numbering: RegExp): { code: string; title: string } {
  const match = numbering.exec(cell);
  return match
    ? { code: match[1]!, title: squeeze(cell.slice(match[0].length)) }
    : { code: '', title: squeeze(cell) };
}

interface RawItem {
  no: number;
  level1: { code: string; title: string };
  level2: { code: string; title: string };
  content: string;
  focus: string;
  departmentsRaw: string;
  names: { name: string; role: 'lead' | 'support' }[];
  measuresRaw: string;
  deadlineRaw: string;
  sourceRow: number;
}

function cellAt(row: TableRow, column: number | undefined): string {
  return column === undefined ? '' : (row.cells[column] ?? '').trim();
}

function readItems(
  rows: TableRow[],
  columns: ColumnMap,
): { items: RawItem[]; inferredLead: boolean } {
  const items: RawItem[] = [];
  let level1: RawItem['level1'] | null = null;
  let level2: RawItem['level2'] | null = null;
  let inferredLead = false;
  for (const row of rows) {
    if (row.cells.every((cell) => cell.trim() === '')) continue;
    const level1Cell = cellAt(row, columns.level1);
    const level2Cell = cellAt(row, columns.level2);
    if (level1Cell) level1 = levelTitle(level1Cell, LEVEL1_NUMBERING);
    if (level2Cell) level2 = levelTitle(level2Cell, LEVEL2_NUMBERING);
    const contentCell = cellAt(row, columns.content);
    if (!contentCell) continue;

    const numbered = ITEM_NUMBERING.exec(contentCell);
    const numberCell = cellAt(row, columns.number);
    const no =
      numberCell && /^\d+$/.test(numberCell)
        ? Number(numberCell)
        : numbered
          ? Number(numbered[1] ?? numbered[2])
          : null;
    if (no === null) throw new AppError('import.item_number_missing', { row: row.sourceRow });
    const previous = items.at(-1)?.no ?? 0;
    if (items.some((item) => item.no === no))
      throw new AppError('import.item_number_repeated', { row: row.sourceRow, found: no });
    if (no !== previous + 1)
      throw new AppError('import.item_number_gap', {
        row: row.sourceRow,
        previous,
        found: no,
        expected: previous + 1,
      });
    if (!level1)
      throw new AppError('import.level_missing', { row: row.sourceRow, no, level: '一级指标' });
    if (!level2)
      throw new AppError('import.level_missing', { row: row.sourceRow, no, level: '二级指标' });

    let names: RawItem['names'];
    let departmentsRaw: string;
    if (columns.departments !== undefined) {
      departmentsRaw = cellAt(row, columns.departments);
      names = splitDepartmentCell(departmentsRaw).map((name, index) => ({
        name,
        role: index === 0 ? 'lead' : 'support',
      }));
      inferredLead ||= names.length > 1;
    } else {
      const lead = cellAt(row, columns.lead);
      const support = cellAt(row, columns.support);
      departmentsRaw = [lead, support].filter(Boolean).join('\n');
      names = [
        ...splitDepartmentCell(lead).map((name) => ({ name, role: 'lead' as const })),
        ...splitDepartmentCell(support).map((name) => ({ name, role: 'support' as const })),
      ];
    }
    if (names.length === 0)
      throw new AppError('import.departments_missing', { row: row.sourceRow, no });

    items.push({
      no,
      level1,
      level2,
      content:
        numbered && !numberCell
          ? contentCell.slice(numbered[0].length).trim()
          : contentCell.replace(ITEM_NUMBERING, '').trim(),
      focus: cellAt(row, columns.focus),
      departmentsRaw,
      names,
      measuresRaw: cellAt(row, columns.measures),
      deadlineRaw: cellAt(row, columns.deadline),
      sourceRow: row.sourceRow,
    });
  }
  return { items, inferredLead };
}

/**
 * Normalises the department names of all items together: known names found standalone anywhere
 * split run-together cells, abbreviations map to full names, and groups and placeholders are
 * told apart from departments.
 */
function normaliseDepartments(items: RawItem[], options: ParseOptions) {
  const givenAliases = new Map(Object.entries(options.aliases ?? {}));
  const standalone = new Set([
    ...items.flatMap((item) => item.names.map((entry) => entry.name)),
    ...(options.knownDepartments ?? []),
    ...givenAliases.keys(),
  ]);
  for (const item of items) {
    item.names = item.names.flatMap(({ name, role }) =>
      splitRunTogether(name, standalone).map((part, index) => ({
        name: part,
        role: index === 0 ? role : ('support' as const),
      })),
    );
  }
  const together = new Set(
    items.flatMap((item) =>
      item.names.flatMap((a) => item.names.map((b) => `${a.name}|${b.name}`)),
    ),
  );
  const realNames = [
    ...new Set(items.flatMap((item) => item.names.map((entry) => entry.name))),
  ].filter((name) => !isGroupName(name) && !isPlaceholderName(name) && !givenAliases.has(name));
  const inferred = inferAliases([...realNames, ...(options.knownDepartments ?? [])], (a, b) =>
    together.has(`${a}|${b}`),
  );
  const canonical = (name: string) => givenAliases.get(name) ?? inferred.get(name) ?? name;
  return { canonical, inferred };
}

function departmentList(
  items: ParsedItem[],
  inferred: Map<string, string>,
  known: ReadonlySet<string>,
): ParsedPlan['departments'] {
  const names = [
    ...new Set(
      items.flatMap((item) =>
        item.departmentRefs.filter((ref) => ref.kind === 'department').map((ref) => ref.name),
      ),
    ),
  ];
  return names.map((name) => ({
    name,
    kind: guessDepartmentKind(name),
    aliases: [...inferred]
      .filter(([alias, target]) => target === name && !known.has(alias))
      .map(([alias]) => alias),
  }));
}

function groupList(items: ParsedItem[]): ParsedPlan['groups'] {
  const refs = new Map<string, ParsedDepartmentRef>();
  for (const ref of items.flatMap((item) => item.departmentRefs))
    if (ref.kind !== 'department' && !refs.has(ref.name)) refs.set(ref.name, ref);
  return [...refs.values()].map((ref) =>
    ref.kind === 'group'
      ? { name: ref.name, kind: 'group' as const, selectsKind: groupSelectsKind(ref.name) }
      : { name: ref.name, kind: 'placeholder' as const, selectsKind: null },
  );
}

/** Everything a plan document says, from its neutral blocks. Throws AppError on what it cannot accept. */
export function parsePlanDocument(
  document: DocumentBlocks,
  options: ParseOptions = {},
): ParsedPlan {
  const header = findHeader(document.blocks);
  if (!header) throw new AppError('import.header_not_found');
  const rows = header.rows.slice(header.headerIndex + 1);
  const maxRows = options.maxRows ?? 5000;
  if (rows.length > maxRows)
    throw new AppError('import.too_many_rows', { rows: rows.length, limit: maxRows });

  const { items: rawItems, inferredLead } = readItems(rows, header.columns);
  if (rawItems.length === 0) throw new AppError('import.no_items');
  const { canonical, inferred } = normaliseDepartments(rawItems, options);

  const items: ParsedItem[] = rawItems.map((item) => {
    const departmentRefs = resolveDepartmentRefs(item.names, canonical);
    return {
      no: item.no,
      level1: item.level1.title,
      level1Code: item.level1.code,
      level2: item.level2.title,
      level2Code: item.level2.code,
      content: item.content,
      focus: item.focus,
      departments: departmentRefs.map((ref) => ref.name),
      departmentsRaw: item.departmentsRaw,
      departmentRefs,
      measuresRaw: item.measuresRaw,
      deadlineRaw: item.deadlineRaw,
      sourceRow: item.sourceRow,
    };
  });

  const preamble = parsePreamble([...header.textBefore]);
  const known = new Set(options.knownDepartments ?? []);
  const groups = groupList(items);
  const warnings: string[] = [];
  if (inferredLead)
    warnings.push('责任部门只有一列：已将每项所列第一个部门视为牵头部门，其余为配合部门，请核对。');
  for (const [alias, target] of inferred)
    if (!known.has(alias)) warnings.push(`已将“${alias}”视为“${target}”的简称，请核对。`);
  for (const group of groups) {
    warnings.push(
      group.kind === 'group'
        ? `“${group.name}”代表一类部门，请在部门管理中确认其包含的单位。`
        : `“${group.name}”未指明具体部门，请指定。`,
    );
  }
  if (preamble.phases.length === 0) warnings.push('未在正文中找到工作阶段及其时间，请手工补充。');

  return {
    format: document.format,
    ...preamble,
    items,
    departments: departmentList(items, inferred, known),
    groups,
    warnings,
  };
}
