import type { z } from 'zod';
import type { createDepartmentBodySchema, updateDepartmentBodySchema } from '../../../shared/api/contracts';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import {
  findDepartmentInOrganization,
  insertDepartments,
  listDepartmentGroups,
  listDepartments,
  lockDepartmentsOfOrganization,
  updateDepartmentAtVersion,
} from './department.repository';
import { departmentNameIndex, toDepartmentView, toGroupView } from './department.rules';

type CreateDepartmentInput = z.output<typeof createDepartmentBodySchema>;
type UpdateDepartmentInput = z.output<typeof updateDepartmentBodySchema>;

function assertNamesFree(names: string[], taken: Map<string, { id: string }>, exceptId?: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    const holder = taken.get(name);
    if ((holder && holder.id !== exceptId) || seen.has(name)) throw new AppError('department.name_taken', { name });
    seen.add(name);
  }
}

export function createDepartmentService({ db, clock }: { db: Database; clock: Clock }) {
  return {
    async list(actor: Actor) {
      return (await listDepartments(db, actor.organizationId)).map(toDepartmentView);
    },

    async listGroups(actor: Actor) {
      const [groups, allDepartments] = await Promise.all([
        listDepartmentGroups(db, actor.organizationId),
        listDepartments(db, actor.organizationId),
      ]);
      return groups.map((group) => toGroupView(group, allDepartments));
    },

    async create(actor: Actor, input: CreateDepartmentInput) {
      return db.transaction(async (tx) => {
        await lockDepartmentsOfOrganization(tx, actor.organizationId);
        const existing = await listDepartments(tx, actor.organizationId);
        assertNamesFree([input.name, ...input.aliases], departmentNameIndex(existing));
        const [created] = await insertDepartments(tx, [{
          organizationId: actor.organizationId,
          name: input.name,
          kind: input.kind,
          aliases: input.aliases,
          position: existing.length,
        }]);
        if (!created) throw new Error('insert returned no department');
        await recordAudit(tx, clock, actor, { action: 'department.create', entityType: 'department', entityId: created.id, after: created });
        return toDepartmentView(created);
      });
    },

    async update(actor: Actor, departmentId: string, input: UpdateDepartmentInput) {
      return db.transaction(async (tx) => {
        await lockDepartmentsOfOrganization(tx, actor.organizationId);
        const before = await findDepartmentInOrganization(tx, actor.organizationId, departmentId);
        if (!before) throw new AppError('department.not_found');
        const name = input.name ?? before.name;
        const aliases = input.aliases ?? before.aliases;
        assertNamesFree([name, ...aliases], departmentNameIndex(await listDepartments(tx, actor.organizationId)), departmentId);
        const after = await updateDepartmentAtVersion(tx, departmentId, input.version, {
          name,
          aliases,
          kind: input.kind ?? before.kind,
          updatedAt: clock.now(),
        });
        if (!after) throw new AppError('department.version_conflict', { version: before.version });
        await recordAudit(tx, clock, actor, { action: 'department.update', entityType: 'department', entityId: departmentId, before, after });
        return toDepartmentView(after);
      });
    },
  };
}

export type DepartmentService = ReturnType<typeof createDepartmentService>;
