import type { ParsedItem } from './contract';

/**
 * How a parsed plan of any depth is held as Luoshi's indicator tree: two levels above the items,
 * the ones every page counts by (tree, matrix, dashboard, roll-ups, report, exports, oversight).
 * A flat plan has one untitled level-1 with one untitled level-2; a plan of one level an untitled
 * level-2 under each level-1; a deeper plan keeps its lower levels together in the second, their
 * titles joined by " / " and their numbers by "." (课程建设 / 一流课程 / 国家级, 一.1.1), so no
 * title is lost and each group of items is one level-2.
 *
 * Pages and figures tell indicators apart by their codes, so every titled indicator gets one that
 * is unique among its siblings: the numbering as written, or, where the plan wrote none (or
 * the same twice), its position (一, 二… for a level-1; 1, 2… below).
 */
export interface TreeIndicator {
  code: string;
  title: string;
  /** The full path of levels it stands for, from the top, as written; [] where the plan has none. */
  levels: { code: string; title: string }[];
}
export interface IndicatorTreeLevel1 extends TreeIndicator {
  children: TreeIndicator[];
}
export interface PlanIndicatorTree {
  level1: IndicatorTreeLevel1[];
  /** For each item, in order: the position of its level-1 and of its level-2 within it. */
  placeOf: { level1: number; level2: number }[];
}

const DIGITS = '零一二三四五六七八九';

/** 1 → 一, 12 → 十二, 20 → 二十, 35 → 三十五 (positions up to 99). */
export function chineseNumeral(value: number): string {
  if (value < 10) return DIGITS[value]!;
  if (value >= 100) return String(value);
  const tens = Math.floor(value / 10);
  const ones = value % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones ? DIGITS[ones] : ''}`;
}

function uniqueCode(
  written: string,
  title: string,
  position: number,
  taken: ReadonlySet<string>,
  numeral: (value: number) => string,
): string {
  if (!written && !title) return '';
  const code = written || numeral(position);
  if (!taken.has(code)) return code;
  for (let suffix = position; ; suffix++) {
    const candidate = `${code}-${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export function planIndicatorTree(items: readonly ParsedItem[]): PlanIndicatorTree {
  const level1: (IndicatorTreeLevel1 & { key: string; childKeys: string[] })[] = [];
  const placeOf: PlanIndicatorTree['placeOf'] = [];
  for (const item of items) {
    const levels = item.path.map((title, index) => ({ code: item.pathCodes[index] ?? '', title }));
    const key1 = `${item.level1Code}\u0000${item.level1}`;
    let top = level1.findIndex((indicator) => indicator.key === key1);
    if (top < 0) {
      const taken = new Set(level1.map((indicator) => indicator.code));
      level1.push({
        key: key1,
        code: uniqueCode(item.level1Code, item.level1, level1.length + 1, taken, chineseNumeral),
        title: item.level1,
        levels: levels.slice(0, 1),
        children: [],
        childKeys: [],
      });
      top = level1.length - 1;
    }
    const parent = level1[top]!;
    const title = item.path.slice(1).join(' / ');
    const written = item.pathCodes.slice(1).filter(Boolean).join('.');
    const key2 = `${written}\u0000${title}`;
    let child = parent.childKeys.indexOf(key2);
    if (child < 0) {
      const taken = new Set(parent.children.map((indicator) => indicator.code));
      parent.children.push({
        code: uniqueCode(written, title, parent.children.length + 1, taken, String),
        title,
        levels,
      });
      parent.childKeys.push(key2);
      child = parent.children.length - 1;
    }
    placeOf.push({ level1: top, level2: child });
  }
  return {
    level1: level1.map(({ code, title, levels, children }) => ({ code, title, levels, children })),
    placeOf,
  };
}

/** An indicator as a sheet shows it: 一、党的领导; only the title (or only the code) where it has no other. */
export function indicatorLabel(code: string, title: string, separator: '、' | '.'): string {
  return code && title ? `${code}${separator}${title}` : title || code;
}

interface LevelledIndicator {
  code: string;
  title: string;
  levels: readonly { code: string; title: string }[];
}

/** How many levels a tree really has above its items: 0 for a flat list, up to 4 (or more). */
export function treeDepth(
  tree: readonly (LevelledIndicator & { children: LevelledIndicator[] })[],
): number {
  return Math.max(
    0,
    ...tree.flatMap((level1) => [
      level1.levels.length,
      ...level1.children.map((level2) => level2.levels.length),
    ]),
  );
}

/** The headers of a sheet's level columns: 一级指标 … 四级指标, one per level of the tree. */
export function levelHeaders(depth: number): string[] {
  return Array.from({ length: depth }, (_, index) => `${chineseNumeral(index + 1)}级指标`);
}

/**
 * An item's levels as a sheet prints them, one per level of the tree: the stored level-1 and
 * level-2 where the tree has at most two, each level as written below a deeper level-1.
 */
export function levelLabels(
  level1: LevelledIndicator,
  level2: LevelledIndicator,
  depth: number,
): string[] {
  const top = indicatorLabel(level1.code, level1.title, '、');
  if (depth <= 2) return [top, indicatorLabel(level2.code, level2.title, '.')].slice(0, depth);
  const below = level2.levels.slice(1).map((level) => indicatorLabel(level.code, level.title, '.'));
  return Array.from({ length: depth }, (_, index) =>
    index === 0 ? top : (below[index - 1] ?? ''),
  );
}
