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
