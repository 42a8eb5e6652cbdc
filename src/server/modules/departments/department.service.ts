import type { z } from 'zod';
import type {
  createDepartmentBodySchema,
  createDepartmentsBodySchema,
  mergeDepartmentBodySchema,
  updateDepartmentBodySchema,
} from '../../../shared/api/contracts';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import {
  countDepartmentReferences,
  deleteDepartment,
  findDepartmentInOrganization,
  insertDepartments,
  listDepartmentGroups,
  listDepartments,
  listPlansWithBothSubmissions,
  lockDepartmentsOfOrganization,
  moveDepartmentRecords,
  updateDepartmentAtVersion,
} from './department.repository';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors';
import { departmentNameIndex, toDepartmentView, toGroupView } from './department.rules';

type CreateDepartmentInput = z.output<typeof createDepartmentBodySchema>;
type UpdateDepartmentInput = z.output<typeof updateDepartmentBodySchema>;
type CreateDepartmentsInput = z.output<typeof createDepartmentsBodySchema>;
type MergeDepartmentInput = z.output<typeof mergeDepartmentBodySchema>;

function assertNamesFree(
  names: string[],
  taken: Map<string, { id: string }>,
  exceptId?: string,
): void {
  const seen = new Set<string>();
  for (const name of names) {
    const holder = taken.get(name);
    if ((holder && holder.id !== exceptId) || seen.has(name))
      throw new AppError('department.name_taken', { name });
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
        const [created] = await insertDepartments(tx, [
          {
            organizationId: actor.organizationId,
            name: input.name,
            kind: input.kind,
            aliases: input.aliases,
            position: existing.length,
          },
        ]);
        if (!created) throw new Error('insert returned no department');
        await recordAudit(tx, clock, actor, {
          action: 'department.create',
          entityType: 'department',
          entityId: created.id,
          after: created,
        });
        return toDepartmentView(created);
      });
    },

    /** Many departments of one kind at once (a pasted list); all or none. */
    async createMany(actor: Actor, input: CreateDepartmentsInput) {
      return db.transaction(async (tx) => {
        await lockDepartmentsOfOrganization(tx, actor.organizationId);
        const existing = await listDepartments(tx, actor.organizationId);
        const taken = departmentNameIndex(existing);
        const names = input.skipExisting
          ? [...new Set(input.names)].filter((name) => !taken.has(name))
          : input.names;
        assertNamesFree(names, taken);
        if (names.length === 0) return [];
        const created = await insertDepartments(
          tx,
          names.map((name, index) => ({
            organizationId: actor.organizationId,
            name,
            kind: input.kind,
            position: existing.length + index,
          })),
        );
        for (const department of created) {
          await recordAudit(tx, clock, actor, {
            action: 'department.create',
            entityType: 'department',
            entityId: department.id,
            after: department,
          });
        }
        return created.map(toDepartmentView);
      });
    },

    /**
     * Folds a duplicate (资产处) into the department that stays (资产管理处): the duplicate's names
     * become aliases, and its assignments, task breakdowns, measures and users move over.
     */
    async merge(actor: Actor, departmentId: string, input: MergeDepartmentInput) {
      if (departmentId === input.intoId) throw new AppError('department.merge_same');
      return db.transaction(async (tx) => {
        await lockDepartmentsOfOrganization(tx, actor.organizationId);
        const source = await findDepartmentInOrganization(tx, actor.organizationId, departmentId);
        const target = await findDepartmentInOrganization(tx, actor.organizationId, input.intoId);
        if (!source || !target) throw new AppError('department.not_found');
        if (source.version !== input.version || target.version !== input.intoVersion) {
          throw new AppError('department.version_conflict', {
            version: source.version !== input.version ? source.version : target.version,
          });
        }
        const [clash] = await listPlansWithBothSubmissions(tx, source.id, target.id);
        if (clash)
          throw new AppError('department.merge_conflict', {
            source: source.name,
            target: target.name,
            plan: clash,
          });
        await moveDepartmentRecords(tx, source.id, target.id).catch((error: unknown) => {
          if (isUniqueViolation(error))
            throw new AppError('department.merge_overlap', {
              source: source.name,
              target: target.name,
            });
          throw error;
        });
        await deleteDepartment(tx, source.id);
        const aliases = [...new Set([...target.aliases, source.name, ...source.aliases])].filter(
          (name) => name !== target.name,
        );
        const after = await updateDepartmentAtVersion(tx, target.id, target.version, {
          aliases,
          updatedAt: clock.now(),
        });
        if (!after) throw new AppError('department.version_conflict', { version: target.version });
        await recordAudit(tx, clock, actor, {
          action: 'department.merge',
          entityType: 'department',
          entityId: target.id,
          before: { merged: source, into: target },
          after,
        });
        return toDepartmentView(after);
      });
    },

    /** Only a department nothing points at can go; one with work or users is merged instead. */
    async remove(actor: Actor, departmentId: string, version: number) {
      await db.transaction(async (tx) => {
        await lockDepartmentsOfOrganization(tx, actor.organizationId);
        const before = await findDepartmentInOrganization(tx, actor.organizationId, departmentId);
        if (!before) throw new AppError('department.not_found');
        if (before.version !== version)
          throw new AppError('department.version_conflict', { version: before.version });
        const references = await countDepartmentReferences(tx, departmentId);
        if (references.assignments + references.users + references.submissions > 0) {
          throw new AppError('department.in_use', { name: before.name, ...references });
        }
        await deleteDepartment(tx, departmentId).catch((error: unknown) => {
          // Some record of a later feature still names it.
          if (isForeignKeyViolation(error))
            throw new AppError('department.in_use', { name: before.name, ...references });
          throw error;
        });
        await recordAudit(tx, clock, actor, {
          action: 'department.delete',
          entityType: 'department',
          entityId: departmentId,
          before,
        });
      });
    },

    async update(actor: Actor, departmentId: string, input: UpdateDepartmentInput) {
      return db.transaction(async (tx) => {
        await lockDepartmentsOfOrganization(tx, actor.organizationId);
        const before = await findDepartmentInOrganization(tx, actor.organizationId, departmentId);
        if (!before) throw new AppError('department.not_found');
        const name = input.name ?? before.name;
        const aliases = input.aliases ?? before.aliases;
        assertNamesFree(
          [name, ...aliases],
          departmentNameIndex(await listDepartments(tx, actor.organizationId)),
          departmentId,
        );
        const after = await updateDepartmentAtVersion(tx, departmentId, input.version, {
          name,
          aliases,
          kind: input.kind ?? before.kind,
          updatedAt: clock.now(),
        });
        if (!after) throw new AppError('department.version_conflict', { version: before.version });
        await recordAudit(tx, clock, actor, {
          action: 'department.update',
          entityType: 'department',
          entityId: departmentId,
          before,
          after,
        });
        return toDepartmentView(after);
      });
    },
  };
}

export type DepartmentService = ReturnType<typeof createDepartmentService>;
