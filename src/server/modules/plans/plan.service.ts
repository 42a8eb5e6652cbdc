import type { AssignmentView, PlanDetail, PlanSummary } from '../../../shared/api/contracts';
import type { Database } from '../../db/client';
import type { Actor } from '../auth/actor';
import { listDepartmentGroups, listDepartments } from '../departments/department.repository';
import { toDepartmentView, toGroupView } from '../departments/department.rules';
import {
  countTree,
  listIndicatorsOfStandard,
  listItemsOfStandard,
} from '../standards/standard.repository';
import { assembleIndicatorTree } from '../standards/standard.rules';
import {
  countAssignments,
  listAssignmentsWithTargets,
  listDeliverables,
  listPhases,
  listPlansWithStandard,
} from './plan.repository';
import { toAssignmentView } from './plan.rules';
import { listRetiredItems } from './plan-revision.repository';
import type { Plan } from './plan.table';
import { requirePlan } from './plan.scope';

function toPlanSummary(plan: Plan, standardTitle: string): PlanSummary {
  return {
    id: plan.id,
    title: plan.title,
    cycleYear: plan.cycleYear,
    standardId: plan.standardId,
    standardTitle,
    issuer: plan.issuer,
    issuedOn: plan.issuedOn,
    createdAt: plan.createdAt.toISOString(),
  };
}

export function createPlanService({ db }: { db: Database }) {
  return {
    async list(actor: Actor): Promise<PlanSummary[]> {
      const rows = await listPlansWithStandard(db, actor.organizationId);
      return rows.map((row) => toPlanSummary(row.plan, row.standardTitle));
    },

    async get(actor: Actor, planId: string): Promise<PlanDetail> {
      const { plan, standardTitle, standardDepth } = await requirePlan(
        db,
        actor.organizationId,
        planId,
      );
      const [planPhases, planDeliverables, treeCounts, assignmentCount] = await Promise.all([
        listPhases(db, plan.id),
        listDeliverables(db, plan.id),
        countTree(db, plan.standardId),
        countAssignments(db, plan.id),
      ]);
      return {
        ...toPlanSummary(plan, standardTitle),
        noticeTitle: plan.noticeTitle,
        printedOn: plan.printedOn,
        sourceFileName: plan.sourceFileName,
        sourceFormat: plan.sourceFormat,
        importWarnings: plan.importWarnings,
        phases: planPhases.map(({ organizationId: _o, planId: _p, ...phase }) => phase),
        deliverables: planDeliverables.map(
          ({ organizationId: _o, planId: _p, ...deliverable }) => deliverable,
        ),
        depth: standardDepth,
        counts: { ...treeCounts, assignments: assignmentCount },
      };
    },

    /** The indicator tree of a plan's standard, each item with the departments assigned to it. */
    async tree(actor: Actor, planId: string) {
      const { plan, standardDepth } = await requirePlan(db, actor.organizationId, planId);
      const [allIndicators, allItems, assignmentRows, allDepartments, groups, retired] =
        await Promise.all([
          listIndicatorsOfStandard(db, plan.standardId),
          listItemsOfStandard(db, plan.standardId),
          listAssignmentsWithTargets(db, plan.id),
          listDepartments(db, actor.organizationId),
          listDepartmentGroups(db, actor.organizationId),
          listRetiredItems(db, plan.id),
        ]);
      const assignmentsByItem = new Map<string, AssignmentView[]>();
      for (const row of assignmentRows) {
        const list = assignmentsByItem.get(row.assignment.itemId) ?? [];
        list.push(toAssignmentView(row));
        assignmentsByItem.set(row.assignment.itemId, list);
      }
      const indicators = assembleIndicatorTree(allIndicators, allItems, (item) => ({
        id: item.id,
        no: item.no,
        content: item.content,
        focus: item.focus,
        leader: item.leader,
        extra: item.extra,
        assignments: assignmentsByItem.get(item.id) ?? [],
      }));
      return {
        planId: plan.id,
        depth: standardDepth,
        indicators,
        departments: allDepartments.map(toDepartmentView),
        groups: groups.map((group) => toGroupView(group, allDepartments)),
        retiredItems: retired.map((row) => ({
          itemId: row.itemId,
          reason: row.reason,
          retiredAt: row.retiredAt.toISOString(),
        })),
      };
    },
  };
}

export type PlanService = ReturnType<typeof createPlanService>;
