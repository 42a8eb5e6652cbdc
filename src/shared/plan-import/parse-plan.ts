import { CONTINUED_MARK } from '../breakdown-sheet';
import { AppError } from '../errors';
import type { ColumnMeaning, ParsedDepartmentRef, ParsedItem, ParsedPlan } from './contract';
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
import { findHeader, levelColumns, type ColumnMap, type HeaderMapping } from './table-header';

export interface ParseOptions {
  /** Names of the organization's departments (and their aliases) already known. */
  knownDepartments?: readonly string[];
  /** alias → canonical name, from the organization's departments. */
  aliases?: Readonly<Record<string, string>>;
  maxRows?: number;
  /** The header row and column meanings the office chose, where detection guessed wrong. */
  mapping?: HeaderMapping;
}

/**
 * The numbering styles of Chinese official documents, from the top level down: 一、 （一） 1. （1） ①.
 * A title's numbering is stripped and kept as its code.
 */
const NUMBERING_STYLES = [
  /^\s*([一二三四五六七八九十百]+)\s*[、.．]\s*/,
  /^\s*[（(]\s*([一二三四五六七八九十百]+)\s*[)）]\s*[、.．]?\s*/,
  /^\s*(\d+)\s*[.．、](?!\d)\s*/,
  /^\s*[（(]\s*(\d+)\s*[)）]\s*/,
  /^\s*([①-⑳])\s*/,
] as const;
/** The styles an item's own number is written in: 1. or （1）. */
const ITEM_STYLES = [2, 3] as const;

function squeeze(text: string): string {
  return text.replace(/\s+/g, '').trim();
}

function numberingOf(text: string): { style: number; code: string; rest: string } | null {
  for (const [style, pattern] of NUMBERING_STYLES.entries()) {
    const match = pattern.exec(text);
    if (match) return { style, code: match[1]!, rest: text.slice(match[0].length) };
  }
  return null;
}

function levelTitle(cell: string): { code: string; title: string } {
  const numbering = numberingOf(cell);
  return numbering
    ? { code: numbering.code, title: squeeze(numbering.rest) }
    : { code: '', title: squeeze(cell) };
}

interface Level {
  code: string;
  title: string;
}

interface RawItem {
  /** The number written in 序号 or before the content; null when the plan numbers none. */
  writtenNo: number | null;
  writtenFrom: 'column' | 'content' | null;
  no: number;
  code: string;
  path: Level[];
  /** How many headings inside the content column stand above the item (for restarts). */
  section: number;
  content: string;
  focus: string;
  leader: string;
  extra: Record<string, string>;
  departmentsRaw: string;
  names: { name: string; role: 'lead' | 'support' }[];
  measuresRaw: string;
  deadlineRaw: string;
  sourceRow: number;
}

function cellAt(row: TableRow, column: number | undefined): string {
  return column === undefined ? '' : (row.cells[column] ?? '').trim();
}

const levelColumnsOf = (columns: ColumnMap) =>
  levelColumns.map((level) => columns[level]).filter((index) => index !== undefined);

/**
 * A row of the content column that is a heading, not an item: it names nobody and no deadline,
 * and is numbered in a heading's style (一、 （一）) or is the row's only text (a merged title).
 */
function headingOf(row: TableRow, columns: ColumnMap): { style: number; level: Level } | null {
  const content = cellAt(row, columns.content);
  const doers = [
    columns.departments,
    columns.lead,
    columns.support,
    columns.measures,
    columns.deadline,
    columns.leader,
  ];
  if (doers.some((column) => cellAt(row, column) && cellAt(row, column) !== content)) return null;
  const numbering = numberingOf(content);
  const filled = new Set(row.cells.map((cell) => cell.trim()).filter(Boolean));
  if (numbering && !ITEM_STYLES.includes(numbering.style as 2 | 3))
    return {
      style: numbering.style,
      level: { code: numbering.code, title: squeeze(numbering.rest) },
    };
  if (filled.size === 1 && !cellAt(row, columns.number))
    return numbering
      ? { style: numbering.style, level: { code: numbering.code, title: squeeze(numbering.rest) } }
      : { style: -1, level: { code: '', title: squeeze(content) } };
  return null;
}

function readItems(
  rows: TableRow[],
  columns: ColumnMap,
  otherColumns: { index: number; header: string }[],
): { items: RawItem[]; inferredLead: boolean; depth: number } {
  const items: RawItem[] = [];
  const byColumn: (Level | null)[] = levelColumnsOf(columns).map(() => null);
  /** Headings inside the content column, by style, the deepest last. */
  let headings: { style: number; level: Level }[] = [];
  let sections = 0;
  let inferredLead = false;
  let depth = 0;
  for (const row of rows) {
    if (row.cells.every((cell) => cell.trim() === '')) continue;
    levelColumnsOf(columns).forEach((column, position) => {
      const cell = cellAt(row, column);
      if (cell) {
        byColumn[position] = levelTitle(cell);
        // a new level-1 cell starts anew everything below it
        for (let below = position + 1; below < byColumn.length; below++)
          if (!cellAt(row, levelColumnsOf(columns)[below])) byColumn[below] = null;
        if (position === 0 || headings.length) headings = [];
      }
    });
    const heading = headingOf(row, columns);
    if (heading) {
      headings = headings.filter((open) => open.style !== -1 && open.style < heading.style);
      headings.push(heading);
      sections++;
      continue;
    }
    const contentCell = cellAt(row, columns.content);
    if (!contentCell) continue;

    const numbering = numberingOf(contentCell);
    const ownNumber =
      numbering && ITEM_STYLES.includes(numbering.style as 2 | 3) ? numbering : null;
    const numberCell = cellAt(row, columns.number);
    const writtenNo =
      numberCell && /^\d+$/.test(numberCell)
        ? Number(numberCell)
        : ownNumber
          ? Number(ownNumber.code)
          : null;
    const missingLevel = byColumn.findIndex((level) => level === null);
    if (missingLevel >= 0)
      throw new AppError('import.level_missing', {
        row: row.sourceRow,
        no: writtenNo ?? items.length + 1,
        level: `${'一二三四'[missingLevel]}级`,
      });
    const path = [...(byColumn as Level[]), ...headings.map((open) => open.level)].filter(
      (level) => level.title || level.code,
    );
    depth = Math.max(depth, path.length);

    let names: RawItem['names'];
    let departmentsRaw: string;
    if (columns.departments !== undefined && columns.lead === undefined) {
      departmentsRaw = cellAt(row, columns.departments);
      names = splitDepartmentCell(departmentsRaw).map((name, index) => ({
        name,
        role: index === 0 ? 'lead' : 'support',
      }));
      inferredLead ||= names.length > 1;
    } else {
      const lead = cellAt(row, columns.lead);
      const support = [cellAt(row, columns.support), cellAt(row, columns.departments)]
        .filter(Boolean)
        .join('\n');
      departmentsRaw = [lead, support].filter(Boolean).join('\n');
      names = [
        ...splitDepartmentCell(lead).map((name) => ({ name, role: 'lead' as const })),
        ...splitDepartmentCell(support).map((name) => ({ name, role: 'support' as const })),
      ];
    }
    if (names.length === 0)
      throw new AppError('import.departments_missing', {
        row: row.sourceRow,
        no: writtenNo ?? items.length + 1,
      });

    // A row that repeats the item above (its merged cells read again: a 任务分解表 with one row per
    // measure) adds its measures and deadlines to that item rather than being a second item.
    const content = (ownNumber ? ownNumber.rest : contentCell).trim();
    const above = items.at(-1);
    if (
      above &&
      writtenNo !== null &&
      above.writtenNo === writtenNo &&
      above.content === content &&
      above.departmentsRaw === departmentsRaw
    ) {
      const join = (first: string, second: string) => [first, second].filter(Boolean).join('\n');
      const measure = cellAt(row, columns.measures);
      above.measuresRaw = measure.startsWith(CONTINUED_MARK)
        ? `${above.measuresRaw}${measure.slice(CONTINUED_MARK.length)}`
        : join(above.measuresRaw, measure);
      above.deadlineRaw = join(above.deadlineRaw, cellAt(row, columns.deadline));
      continue;
    }
    const extra: Record<string, string> = {};
    for (const { index, header } of otherColumns) {
      const value = (row.cells[index] ?? '').trim();
      if (value) extra[header] = value;
    }
    items.push({
      writtenNo,
      writtenFrom: numberCell && /^\d+$/.test(numberCell) ? 'column' : ownNumber ? 'content' : null,
      no: 0,
      code: numberCell || ownNumber?.code || '',
      path,
      section: sections,
      content,
      focus: cellAt(row, columns.focus),
      leader: cellAt(row, columns.leader),
      extra,
      departmentsRaw,
      names,
      measuresRaw: cellAt(row, columns.measures),
      deadlineRaw: cellAt(row, columns.deadline),
      sourceRow: row.sourceRow,
    });
  }
  numberItems(items);
  return { items, inferredLead, depth };
}

/**
 * Item numbers: as written when the plan numbers its items 1, 2, 3… throughout; by position when
 * it numbers none, or numbers them anew under each heading (一、 1. 2. 二、 1. 2.). Repeated or
 * jumping numbers in a 序号 column, or throughout, are refused with the row.
 */
function numberItems(items: RawItem[]): void {
  const unnumbered = items.find((item) => item.writtenNo === null);
  if (unnumbered && items.some((item) => item.writtenNo !== null))
    throw new AppError('import.item_number_missing', { row: unnumbered.sourceRow });
  const byPosition =
    !!unnumbered ||
    (items.every((item) => item.writtenFrom === 'content') && restartsPerSection(items));
  items.forEach((item, index) => {
    if (byPosition) {
      item.no = index + 1;
      return;
    }
    const previous = items[index - 1]?.no ?? 0;
    const no = item.writtenNo!;
    if (items.slice(0, index).some((earlier) => earlier.no === no))
      throw new AppError('import.item_number_repeated', { row: item.sourceRow, found: no });
    if (no !== previous + 1)
      throw new AppError('import.item_number_gap', {
        row: item.sourceRow,
        previous,
        found: no,
        expected: previous + 1,
      });
    item.no = no;
  });
}

function restartsPerSection(items: RawItem[]): boolean {
  let restarted = false;
  for (const [index, item] of items.entries()) {
    const previous = items[index - 1];
    const sameSection = previous && previous.section === item.section;
    const expected = sameSection ? previous.writtenNo! + 1 : 1;
    if (item.writtenNo !== expected) return false;
    if (!sameSection && previous) restarted = true;
  }
  return restarted;
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
  const header = findHeader(document.blocks, options.mapping);
  if (!header) throw new AppError('import.header_not_found');
  if (
    header.columns.content === undefined ||
    (header.columns.departments === undefined && header.columns.lead === undefined)
  )
    throw new AppError('import.header_not_found');
  const rows = header.rows.slice(header.headerIndex + 1);
  const maxRows = options.maxRows ?? 5000;
  if (rows.length > maxRows)
    throw new AppError('import.too_many_rows', { rows: rows.length, limit: maxRows });

  const {
    items: rawItems,
    inferredLead,
    depth,
  } = readItems(rows, header.columns, header.otherColumns);
  if (rawItems.length === 0) throw new AppError('import.no_items');
  const { canonical, inferred } = normaliseDepartments(rawItems, options);

  const items: ParsedItem[] = rawItems.map((item) => {
    const departmentRefs = resolveDepartmentRefs(item.names, canonical);
    return {
      no: item.no,
      code: item.code,
      path: item.path.map((level) => level.title),
      pathCodes: item.path.map((level) => level.code),
      level1: item.path[0]?.title ?? '',
      level1Code: item.path[0]?.code ?? '',
      level2: item.path[1]?.title ?? '',
      level2Code: item.path[1]?.code ?? '',
      content: item.content,
      leader: item.leader,
      extra: item.extra,
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
    depth,
    headerRow: header.headerIndex + 1,
    columns: header.headers.map((text, index) => ({
      index,
      header: text,
      meaning:
        (Object.entries(header.columns) as [ColumnMeaning, number][]).find(
          ([, column]) => column === index,
        )?.[0] ?? null,
    })),
    items,
    departments: departmentList(items, inferred, known),
    groups,
    warnings,
  };
}
