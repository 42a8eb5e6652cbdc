import type { z } from 'zod';
import type {
  ItemAssignments,
  ResolveGroupResult,
  resolveGroupBodySchema,
  setAssignmentBodySchema,
} from '../../../shared/api/assignments';
import { resolveGroupOnItem } from '../../../shared/assignments';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../../clock';
import type { Database, Executor } from '../../db/client';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { dutiesOf } from '../breakdowns/breakdown.rules';
import {
  findDepartmentInOrganization,
  listDepartmentGroups,
  listDepartments,
} from '../departments/department.repository';
import { listAssignmentsWithTargets } from '../plans/plan.repository';
import { toAssignmentView } from '../plans/plan.rules';
import { listItemsOfStandard } from '../standards/standard.repository';
import {
  countMeasuresByDepartmentAndItem,
  deleteAssignment,
  insertAssignment,
  listItemIdsOfGroup,
  listItemTargets,
  lockAssignmentsOfPlan,
  nextAssignmentPosition,
  updateAssignmentRole,
  type ItemTarget,
} from './assignment.repository';
import { requirePlan } from '../plans/plan.scope';

type SetAssignmentInput = z.output<typeof setAssignmentBodySchema>;
type ResolveGroupInput = z.output<typeof resolveGroupBodySchema>;

export function createAssignmentService({ db, clock }: { db: Database; clock: Clock }) {
  /** The plan, locked for assignment writes, and its items by id. */
  async function lockedPlan(tx: Executor, actor: Actor, planId: string) {
    const found = await requirePlan(tx, actor.organizationId, planId);
    await lockAssignmentsOfPlan(tx, found.plan.id);
    const items = new Map(
      (await listItemsOfStandard(tx, found.plan.standardId)).map((item) => [item.id, item]),
    );
    return { plan: found.plan, items };
  }

  async function groupOrThrow(tx: Executor, actor: Actor, groupId: string) {
    const group = (await listDepartmentGroups(tx, actor.organizationId)).find(
      (candidate) => candidate.id === groupId,
    );
    if (!group) throw new AppError('group.not_found');
    return group;
  }

  /**
   * A change to assignments must not leave measures behind: a department that has written
   * measures for an item keeps answering for it until they are gone.
   */
  async function assertNoMeasureOrphaned(
    tx: Executor,
    actor: Actor,
    planId: string,
    itemNo: (itemId: string) => number,
    after: readonly ItemTarget[],
    itemIds: readonly string[],
  ) {
    const written = await countMeasuresByDepartmentAndItem(tx, planId, itemIds);
    if (written.length === 0) return;
    const departmentsById = new Map(
      (await listDepartments(tx, actor.organizationId)).map((department) => [
        department.id,
        department,
      ]),
    );
    for (const row of written) {
      const department = departmentsById.get(row.departmentId);
      if (department && !dutiesOf(department, after).has(row.itemId)) {
        throw new AppError('assignment.orphans_measures', {
          department: department.name,
          no: itemNo(row.itemId),
          count: row.count,
        });
      }
    }
  }

  async function itemAssignments(
    tx: Executor,
    planId: string,
    itemId: string,
  ): Promise<ItemAssignments> {
    return {
      itemId,
      assignments: (await listAssignmentsWithTargets(tx, planId, itemId)).map(toAssignmentView),
    };
  }

  return {
    /** One cell of the matrix: make a department or group lead or support an item, or take it off. */
    async set(
      actor: Actor,
      planId: string,
      itemId: string,
      input: SetAssignmentInput,
    ): Promise<ItemAssignments> {
      return db.transaction(async (tx) => {
        const { plan, items } = await lockedPlan(tx, actor, planId);
        const item = items.get(itemId);
        if (!item) throw new AppError('item.not_found');
        if (
          input.departmentId &&
          !(await findDepartmentInOrganization(tx, actor.organizationId, input.departmentId))
        )
          throw new AppError('department.not_found');
        if (input.groupId) await groupOrThrow(tx, actor, input.groupId);
        const targets = await listItemTargets(tx, plan.id, [itemId]);
        const existing = targets.find((target) =>
          input.departmentId
            ? target.departmentId === input.departmentId
            : target.groupId === input.groupId,
        );
        if (input.role === null) {
          if (!existing) return itemAssignments(tx, plan.id, itemId);
          await assertNoMeasureOrphaned(
            tx,
            actor,
            plan.id,
            () => item.no,
            targets.filter((target) => target !== existing),
            [itemId],
          );
          await deleteAssignment(tx, existing.id);
          await recordAudit(tx, clock, actor, {
            action: 'assignment.delete',
            entityType: 'assignment',
            entityId: existing.id,
            before: existing,
          });
        } else if (existing) {
          if (existing.role === input.role) return itemAssignments(tx, plan.id, itemId);
          const after = await updateAssignmentRole(tx, existing.id, input.role);
          await recordAudit(tx, clock, actor, {
            action: 'assignment.update',
            entityType: 'assignment',
            entityId: existing.id,
            before: existing,
            after,
          });
        } else {
          const created = await insertAssignment(tx, {
            organizationId: actor.organizationId,
            planId: plan.id,
            itemId,
            departmentId: input.departmentId ?? null,
            groupId: input.groupId ?? null,
            role: input.role,
            position: await nextAssignmentPosition(tx, plan.id, itemId),
          });
          await recordAudit(tx, clock, actor, {
            action: 'assignment.create',
            entityType: 'assignment',
            entityId: created.id,
            after: created,
          });
        }
        return itemAssignments(tx, plan.id, itemId);
      });
    },

    /**
     * Replaces a group (各教学单位) or placeholder (相关职能部门) by real departments, on the items
     * named or on every item it is on. All or nothing.
     */
    async resolveGroup(
      actor: Actor,
      planId: string,
      groupId: string,
      input: ResolveGroupInput,
    ): Promise<ResolveGroupResult> {
      return db.transaction(async (tx) => {
        const { plan, items } = await lockedPlan(tx, actor, planId);
        const group = await groupOrThrow(tx, actor, groupId);
        for (const departmentId of input.departmentIds) {
          if (!(await findDepartmentInOrganization(tx, actor.organizationId, departmentId)))
            throw new AppError('department.not_found');
        }
        const groupItemIds = new Set(await listItemIdsOfGroup(tx, plan.id, group.id));
        const itemIds = input.itemIds ?? [...groupItemIds];
        for (const itemId of itemIds) {
          const item = items.get(itemId);
          if (!item) throw new AppError('item.not_found');
          if (!groupItemIds.has(itemId))
            throw new AppError('assignment.group_not_assigned', { group: group.name, no: item.no });
        }
        const before = await listItemTargets(tx, plan.id, itemIds);
        const after: ItemTarget[] = [];
        const changes = itemIds.map((itemId) => {
          const slots = before.filter((target) => target.itemId === itemId);
          const resolution = resolveGroupOnItem(slots, group.id, input.departmentIds)!;
          after.push(...slots.filter((slot) => slot.id !== resolution.removeId));
          for (const added of resolution.add) {
            after.push({
              id: '',
              itemId,
              departmentId: added.departmentId,
              groupId: null,
              role: added.role,
              position: 0,
              groupName: null,
              groupKind: null,
              selectsKind: null,
            });
          }
          return { itemId, resolution };
        });
        await assertNoMeasureOrphaned(
          tx,
          actor,
          plan.id,
          (itemId) => items.get(itemId)?.no ?? 0,
          after,
          itemIds,
        );
        let created = 0;
        for (const { itemId, resolution } of changes) {
          await deleteAssignment(tx, resolution.removeId);
          let position = await nextAssignmentPosition(tx, plan.id, itemId);
          for (const added of resolution.add) {
            await insertAssignment(tx, {
              organizationId: actor.organizationId,
              planId: plan.id,
              itemId,
              departmentId: added.departmentId,
              groupId: null,
              role: added.role,
              position: position++,
            });
            created += 1;
          }
        }
        await recordAudit(tx, clock, actor, {
          action: 'assignment.resolve_group',
          entityType: 'department_group',
          entityId: group.id,
          before: before.filter((target) => target.groupId === group.id),
          after: { planId: plan.id, itemIds, departmentIds: input.departmentIds, created },
        });
        return { replaced: changes.length, created };
      });
    },
  };
}

export type AssignmentService = ReturnType<typeof createAssignmentService>;
