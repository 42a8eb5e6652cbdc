import type { AssignmentView } from '../../../shared/api/contracts';
import type { AssignmentWithTarget } from './plan.repository';

export function toAssignmentView(row: AssignmentWithTarget): AssignmentView {
  const { assignment } = row;
  return {
    id: assignment.id,
    itemId: assignment.itemId,
    role: assignment.role,
    targetKind: assignment.departmentId ? 'department' : (row.groupKind ?? 'group'),
    departmentId: assignment.departmentId,
    groupId: assignment.groupId,
    name: row.departmentName ?? row.groupName ?? '',
  };
}
