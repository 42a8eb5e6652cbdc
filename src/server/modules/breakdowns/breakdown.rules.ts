import type { Department } from '../departments/department.table';

export interface AssignmentTarget {
  itemId: string;
  departmentId: string | null;
  role: 'lead' | 'support';
  groupName: string | null;
  groupKind: 'group' | 'placeholder' | null;
  selectsKind: Department['kind'] | null;
}

export interface DepartmentDuty {
  role: 'lead' | 'support';
  /** The group the duty comes through (各教学单位), or null when the department is named. */
  viaGroup: string | null;
}

/**
 * The items a department answers for: those naming it, and those naming a group of its kind
 * (各教学单位 for a teaching unit). Placeholders name nobody until the coordinator resolves them.
 * A named assignment wins over one through a group.
 */
export function dutiesOf(
  department: Pick<Department, 'id' | 'kind'>,
  targets: readonly AssignmentTarget[],
): Map<string, DepartmentDuty> {
  const duties = new Map<string, DepartmentDuty>();
  for (const target of targets) {
    if (target.departmentId === department.id) {
      duties.set(target.itemId, { role: target.role, viaGroup: null });
    } else if (
      target.groupKind === 'group' &&
      target.selectsKind === department.kind &&
      !duties.has(target.itemId)
    ) {
      duties.set(target.itemId, { role: target.role, viaGroup: target.groupName });
    }
  }
  return duties;
}

/**
 * The order a reader of the 任务分解表 expects within an item: the lead department first, then the
 * support departments in the document's order, then (for departments answering through a group, or no
 * longer assigned) by name, and each department's measures by their position. Never by a database id,
 * which is random and would reorder the table from one export to the next.
 */
export function orderMeasuresOfItem<
  M extends { departmentId: string; position: number },
  D extends Pick<Department, 'id' | 'kind' | 'name'>,
>(
  measures: readonly M[],
  itemTargets: readonly AssignmentTarget[],
  departments: ReadonlyMap<string, D>,
): M[] {
  // itemTargets come in the document's order (assignment position); the lead goes first.
  const ranked = [...itemTargets].sort((a, b) => roleRank(a.role) - roleRank(b.role));
  const rankOf = (departmentId: string): number => {
    const department = departments.get(departmentId);
    const named = ranked.findIndex((target) => target.departmentId === departmentId);
    if (named >= 0) return named;
    const viaGroup = ranked.findIndex(
      (target) =>
        target.groupKind === 'group' && department && target.selectsKind === department.kind,
    );
    return viaGroup >= 0 ? viaGroup : ranked.length;
  };
  // Each department's rank and name once, not at every comparison: the whole institution's
  // export sorts thousands of measures on the thread that serves every other request.
  const keys = new Map<string, { rank: number; name: string }>();
  const keyOf = (departmentId: string) => {
    let key = keys.get(departmentId);
    if (!key) {
      key = { rank: rankOf(departmentId), name: departments.get(departmentId)?.name ?? '' };
      keys.set(departmentId, key);
    }
    return key;
  };
  return [...measures].sort((a, b) => {
    const first = keyOf(a.departmentId);
    const second = keyOf(b.departmentId);
    return (
      first.rank - second.rank ||
      chinese.compare(first.name, second.name) ||
      a.departmentId.localeCompare(b.departmentId) ||
      a.position - b.position
    );
  });
}

/** Department names in pinyin order, as `localeCompare(…, 'zh-Hans-CN')` orders them. */
const chinese = new Intl.Collator('zh-Hans-CN');

function roleRank(role: AssignmentTarget['role']): number {
  return role === 'lead' ? 0 : 1;
}
