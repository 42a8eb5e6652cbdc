import type { ImportPlanResult, InspectPlanResult } from '../../../shared/api/contracts';
import { inspectTables } from '../../../shared/plan-import/table-header';
import type { HeaderMapping } from '../../../shared/plan-import/table-header';
import type { ParsedPlan } from '../../../shared/plan-import/contract';
import type { Clock } from '../../clock';
import type { Database, Transaction } from '../../db/client';
import {
  defaultImportLimits,
  readDocumentBlocks,
  readPlanDocument,
} from '../../io/plan-document-reader';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import {
  insertDepartmentGroups,
  insertDepartments,
  listDepartmentGroups,
  listDepartments,
  lockDepartmentsOfOrganization,
} from '../departments/department.repository';
import { departmentNameIndex } from '../departments/department.rules';
import {
  findPlanByFingerprint,
  insertAssignments,
  insertDeliverables,
  insertPhases,
  insertPlan,
} from '../plans/plan.repository';
import {
  findStandardByFingerprint,
  insertIndicator,
  insertItems,
  listItemsOfStandard,
  nextStandardVersion,
  insertStandard,
} from '../standards/standard.repository';
import { planIndicatorTree } from '../../../shared/plan-import/indicator-tree';
import { planFingerprint, standardFingerprint } from './plan-fingerprint';

export interface PlanUpload {
  fileName: string;
  bytes: Buffer;
  /** The office's choice of header row and column meanings, where detection guessed wrong. */
  mapping?: HeaderMapping;
}

export interface PlanImportDependencies {
  db: Database;
  clock: Clock;
  maxFileBytes: number;
}

export function createPlanImportService({ db, clock, maxFileBytes }: PlanImportDependencies) {
  /** Reads the document knowing the organization's departments, so that its names and aliases are used. */
  async function parseFor(actor: Actor, upload: PlanUpload): Promise<ParsedPlan> {
    const existing = await listDepartments(db, actor.organizationId);
    const aliases: Record<string, string> = {};
    for (const department of existing)
      for (const alias of department.aliases) aliases[alias] = department.name;
    return readPlanDocument(upload, {
      limits: { maxFileBytes },
      knownDepartments: existing.map((department) => department.name),
      aliases,
      ...(upload.mapping ? { mapping: upload.mapping } : {}),
    });
  }

  return {
    /** The first rows of the plan's table and what detection made of them, for mapping by hand. */
    async inspect(_actor: Actor, upload: PlanUpload): Promise<InspectPlanResult> {
      return inspectTables(
        (await readDocumentBlocks(upload, { ...defaultImportLimits, maxFileBytes })).blocks,
      );
    },

    async preview(actor: Actor, upload: PlanUpload): Promise<ImportPlanResult> {
      const parse = await parseFor(actor, upload);
      return {
        dryRun: true,
        created: false,
        planId: null,
        standardId: null,
        createdDepartments: [],
        parse,
      };
    },

    /**
     * Imports a plan in one transaction: the standard (a new version unless the same tree is
     * already there), missing departments and groups, the plan with its phases, deadlines and
     * assignments. The same plan imported again creates nothing.
     */
    async import(actor: Actor, upload: PlanUpload): Promise<ImportPlanResult> {
      const parse = await parseFor(actor, upload);
      return db.transaction(async (tx) => {
        await lockDepartmentsOfOrganization(tx, actor.organizationId);
        // A plan with no title of its own is named by its file, without the extension; the
        // fingerprint keeps the whole name, so that plans imported before are still recognised.
        const namedTitle = parse.standardTitle ?? parse.title;
        const standardTitle = namedTitle ?? titleOfFileName(upload.fileName);
        const standardPrint = standardFingerprint(parse, namedTitle ?? upload.fileName);
        const planPrint = planFingerprint(parse, standardPrint);
        const existingPlan = await findPlanByFingerprint(tx, actor.organizationId, planPrint);
        if (existingPlan) {
          return {
            dryRun: false,
            created: false,
            planId: existingPlan.id,
            standardId: existingPlan.standardId,
            createdDepartments: [],
            parse,
          };
        }
        const standardId = await ensureStandard(tx, actor, parse, standardTitle, standardPrint);
        const { targets, createdDepartments } = await ensureDepartmentsAndGroups(tx, actor, parse);
        const plan = await insertPlan(tx, {
          organizationId: actor.organizationId,
          standardId,
          title: parse.title ?? standardTitle,
          noticeTitle: parse.noticeTitle,
          issuer: parse.issuer,
          issuedOn: parse.issuedOn,
          printedOn: parse.printedOn,
          cycleYear:
            parse.cycleYear ?? Number(parse.issuedOn?.slice(0, 4) ?? clock.now().getUTCFullYear()),
          fingerprint: planPrint,
          sourceFileName: upload.fileName,
          sourceFormat: parse.format,
          importWarnings: parse.warnings,
        });
        const insertedPhases = await insertPhases(
          tx,
          parse.phases.map((phase) => ({
            organizationId: actor.organizationId,
            planId: plan.id,
            ...phase,
          })),
        );
        const phaseIdByPosition = new Map(
          insertedPhases.map((phase) => [phase.position, phase.id]),
        );
        await insertDeliverables(
          tx,
          parse.deliverables.map(({ phasePosition, ...deliverable }) => ({
            organizationId: actor.organizationId,
            planId: plan.id,
            phaseId: phasePosition === null ? null : (phaseIdByPosition.get(phasePosition) ?? null),
            ...deliverable,
          })),
        );
        const itemIdByNo = await itemIdsOf(tx, standardId);
        await insertAssignments(
          tx,
          parse.items.flatMap((item) =>
            item.departmentRefs.map((ref, position) => {
              const target = targets.get(ref.name);
              if (!target) throw new Error(`no target for ${ref.name}`);
              return {
                organizationId: actor.organizationId,
                planId: plan.id,
                itemId: itemIdByNo.get(item.no)!,
                departmentId: target.kind === 'department' ? target.id : null,
                groupId: target.kind === 'group' ? target.id : null,
                role: ref.role,
                position,
              };
            }),
          ),
        );
        await recordAudit(tx, clock, actor, {
          action: 'plan.import',
          entityType: 'plan',
          entityId: plan.id,
          after: {
            fileName: upload.fileName,
            format: parse.format,
            standardId,
            items: parse.items.length,
            createdDepartments,
          },
        });
        return {
          dryRun: false,
          created: true,
          planId: plan.id,
          standardId,
          createdDepartments,
          parse,
        };
      });
    },
  };

  async function ensureStandard(
    tx: Transaction,
    actor: Actor,
    parse: ParsedPlan,
    title: string,
    fingerprint: string,
  ): Promise<string> {
    const existing = await findStandardByFingerprint(tx, actor.organizationId, fingerprint);
    if (existing) return existing.id;
    const standard = await insertStandard(tx, {
      organizationId: actor.organizationId,
      title,
      version: await nextStandardVersion(tx, actor.organizationId, title),
      fingerprint,
      depth: parse.depth,
    });
    const tree = planIndicatorTree(parse.items);
    const level2Ids: string[][] = [];
    let level2Count = 0;
    for (const [index, level1] of tree.level1.entries()) {
      const level1Id = (
        await insertIndicator(tx, {
          organizationId: actor.organizationId,
          standardId: standard.id,
          depth: 1,
          code: level1.code,
          title: level1.title,
          levels: level1.levels,
          position: index + 1,
        })
      ).id;
      const children: string[] = [];
      for (const level2 of level1.children) {
        children.push(
          (
            await insertIndicator(tx, {
              organizationId: actor.organizationId,
              standardId: standard.id,
              depth: 2,
              parentId: level1Id,
              code: level2.code,
              title: level2.title,
              levels: level2.levels,
              position: ++level2Count,
            })
          ).id,
        );
      }
      level2Ids.push(children);
    }
    const itemRows = parse.items.map((item, index) => {
      const place = tree.placeOf[index]!;
      return {
        organizationId: actor.organizationId,
        standardId: standard.id,
        indicatorId: level2Ids[place.level1]![place.level2]!,
        no: item.no,
        content: item.content,
        focus: item.focus,
        code: item.code,
        leader: item.leader,
        extra: item.extra,
      };
    });
    await insertItems(tx, itemRows);
    await recordAudit(tx, clock, actor, {
      action: 'standard.create',
      entityType: 'standard',
      entityId: standard.id,
      after: {
        title,
        version: standard.version,
        level1: tree.level1.length,
        level2: level2Count,
        items: itemRows.length,
      },
    });
    return standard.id;
  }

  async function itemIdsOf(tx: Transaction, standardId: string): Promise<Map<number, string>> {
    return new Map((await listItemsOfStandard(tx, standardId)).map((item) => [item.no, item.id]));
  }

  /** Finds or creates every department and group the plan names; returns where each name points. */
  async function ensureDepartmentsAndGroups(tx: Transaction, actor: Actor, parse: ParsedPlan) {
    const existing = await listDepartments(tx, actor.organizationId);
    const byName = departmentNameIndex(existing);
    const missing = parse.departments.filter((department) => !byName.has(department.name));
    const created = await insertDepartments(
      tx,
      missing.map((department, index) => ({
        organizationId: actor.organizationId,
        name: department.name,
        kind: department.kind,
        aliases: department.aliases.filter((alias) => !byName.has(alias)),
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
    const existingGroups = await listDepartmentGroups(tx, actor.organizationId);
    const groupByName = new Map(existingGroups.map((group) => [group.name, group]));
    const createdGroups = await insertDepartmentGroups(
      tx,
      parse.groups
        .filter((group) => !groupByName.has(group.name))
        .map((group) => ({
          organizationId: actor.organizationId,
          name: group.name,
          kind: group.kind,
          selectsKind: group.selectsKind,
        })),
    );
    for (const group of createdGroups) {
      await recordAudit(tx, clock, actor, {
        action: 'department_group.create',
        entityType: 'department_group',
        entityId: group.id,
        after: group,
      });
    }

    const targets = new Map<string, { kind: 'department' | 'group'; id: string }>();
    for (const department of [...existing, ...created]) {
      targets.set(department.name, { kind: 'department', id: department.id });
      for (const alias of department.aliases)
        targets.set(alias, { kind: 'department', id: department.id });
    }
    for (const group of [...existingGroups, ...createdGroups])
      targets.set(group.name, { kind: 'group', id: group.id });
    return { targets, createdDepartments: created.map((department) => department.name) };
  }
}

export type PlanImportService = ReturnType<typeof createPlanImportService>;

/** A file's name as a title: 整改任务清单.xlsx → 整改任务清单 (the name itself when nothing is left). */
function titleOfFileName(fileName: string): string {
  return fileName.replace(/\.(docx?|xlsx?|txt)$/i, '').trim() || fileName;
}
