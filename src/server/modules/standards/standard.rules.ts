import type { Indicator, IndicatorLevel, Item } from './standard.table';

export interface IndicatorTreeNode<TItem> {
  id: string;
  code: string;
  title: string;
  levels: IndicatorLevel[];
  children: { id: string; code: string; title: string; levels: IndicatorLevel[]; items: TItem[] }[];
}

/** Nests level-2 indicators under their level-1 and items under their level-2, keeping order. */
export function assembleIndicatorTree<TItem>(
  allIndicators: Indicator[],
  allItems: Item[],
  toItem: (item: Item) => TItem,
): IndicatorTreeNode<TItem>[] {
  const itemsByIndicator = new Map<string, TItem[]>();
  for (const item of [...allItems].sort((a, b) => a.no - b.no)) {
    const list = itemsByIndicator.get(item.indicatorId) ?? [];
    list.push(toItem(item));
    itemsByIndicator.set(item.indicatorId, list);
  }
  const byPosition = (a: Indicator, b: Indicator) => a.position - b.position;
  const level2ByParent = new Map<string, Indicator[]>();
  for (const indicator of allIndicators.filter((candidate) => candidate.depth === 2)) {
    const siblings = level2ByParent.get(indicator.parentId ?? '') ?? [];
    siblings.push(indicator);
    level2ByParent.set(indicator.parentId ?? '', siblings);
  }
  return allIndicators
    .filter((indicator) => indicator.depth === 1)
    .sort(byPosition)
    .map((level1) => ({
      id: level1.id,
      code: level1.code,
      title: level1.title,
      levels: level1.levels,
      children: (level2ByParent.get(level1.id) ?? []).sort(byPosition).map((level2) => ({
        id: level2.id,
        code: level2.code,
        title: level2.title,
        levels: level2.levels,
        items: itemsByIndicator.get(level2.id) ?? [],
      })),
    }));
}
