import type { DepartmentGroupView, DepartmentView } from '../../../shared/api/contracts';
import type { Department, DepartmentGroup } from './department.table';

export function toDepartmentView(department: Department): DepartmentView {
  return {
    id: department.id,
    name: department.name,
    kind: department.kind,
    aliases: department.aliases,
    position: department.position,
    version: department.version,
  };
}

/** A group expands to every department of the kind it selects; a placeholder to none yet. */
export function toGroupView(
  group: DepartmentGroup,
  allDepartments: Department[],
): DepartmentGroupView {
  const memberIds =
    group.kind === 'group' && group.selectsKind
      ? allDepartments
          .filter((department) => department.kind === group.selectsKind)
          .map((department) => department.id)
      : [];
  return {
    id: group.id,
    name: group.name,
    kind: group.kind,
    selectsKind: group.selectsKind,
    memberIds,
  };
}

/** Every name (and alias) in use, mapped to the department that holds it. */
export function departmentNameIndex(allDepartments: Department[]): Map<string, Department> {
  const index = new Map<string, Department>();
  for (const department of allDepartments) {
    index.set(department.name, department);
    for (const alias of department.aliases) index.set(alias, department);
  }
  return index;
}
