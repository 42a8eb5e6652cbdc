/** How a department answers for an item: it leads it (牵头) or supports it (配合). */
export const assignmentRoles = ['lead', 'support'] as const;

/**
 * Pure rules of the assignment matrix (items × departments). The server applies them inside a
 * transaction; the web uses `nextCellRole` so that a click means the same thing everywhere.
 */
export type AssignmentRole = 'lead' | 'support';

/** A click on a matrix cell: nobody → lead → support → nobody. */
export function nextCellRole(role: AssignmentRole | null): AssignmentRole | null {
  if (role === null) return 'lead';
  if (role === 'lead') return 'support';
  return null;
}

export interface ItemAssignmentSlot {
  id: string;
  departmentId: string | null;
  groupId: string | null;
  role: AssignmentRole;
}

export interface GroupResolution {
  /** The group's assignment on the item, to delete. */
  removeId: string;
  /** Departments to assign, with the group's role, in the order chosen. */
  add: { departmentId: string; role: AssignmentRole }[];
}

/**
 * Resolving a group or placeholder on one item: the group's assignment goes, each chosen
 * department comes in with the group's role, and a department already on the item keeps its
 * own role (named before grouped, as in `dutiesOf`). Null when the group is not on the item.
 */
export function resolveGroupOnItem(
  slots: readonly ItemAssignmentSlot[],
  groupId: string,
  departmentIds: readonly string[],
): GroupResolution | null {
  const group = slots.find((slot) => slot.groupId === groupId);
  if (!group) return null;
  const present = new Set(
    slots.map((slot) => slot.departmentId).filter((id): id is string => id !== null),
  );
  const add: GroupResolution['add'] = [];
  for (const departmentId of departmentIds) {
    if (present.has(departmentId)) continue;
    present.add(departmentId);
    add.push({ departmentId, role: group.role });
  }
  return { removeId: group.id, add };
}

/** Two records of the same department on one item, after a merge: the stronger role wins. */
export function strongerRole(a: AssignmentRole, b: AssignmentRole): AssignmentRole {
  return a === 'lead' || b === 'lead' ? 'lead' : 'support';
}
