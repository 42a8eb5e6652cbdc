import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type {
  ActivityList,
  CoverageView,
  SignInSheetResult,
  coverageRuleBodySchema,
  recordActivityBodySchema,
} from '../../../shared/api/activities';
import type { TeacherAttribute } from '../../../shared/api/teachers';
import {
  computeCoverage,
  coveragePeriod,
  coverageWindow,
  type CoverageFrequency,
  type CoveragePerson,
  type CoveragePeriod,
} from '../../../shared/activities/coverage';
import { compareChinese, groupBy } from '../../../shared/collections';
import { calendarDate } from '../../../shared/dates';
import { AppError } from '../../../shared/errors';
import { percent } from '../../../shared/report/build-quality-report';
import { hasAttribute } from '../../../shared/teachers/attributes';
import { fieldOfHeader } from '../../../shared/teachers/roster-sheet';
import type { Clock } from '../../clock';
import type { Database, Executor } from '../../db/client';
import { readTogether } from '../../db/read-together';
import type { Upload } from '../../http/upload';
import { readSpreadsheet } from '../../io/plan-document-reader';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { ViewCache } from '../data-versions/view-cache';
import { listDepartments } from '../departments/department.repository';
import { requireReachableDepartment } from '../departments/department.scope';
import { assertEvidenceUsable, evidenceViewsById } from '../evidence/evidence.service';
import { readRosterSettings } from '../teachers/teacher.repository';
import { teachersWithFacts } from '../teachers/teacher.service';
import { teachers } from '../teachers/teacher.table';
import {
  activities,
  activityKinds,
  activityParticipants,
  coverageRules,
  type CoverageRuleRow,
} from './activity.table';

type RecordInput = z.output<typeof recordActivityBodySchema>;
type RuleInput = z.output<typeof coverageRuleBodySchema>;

/** Every rule's coverage as of a day, for one organization (the page, the dashboard, the report). */
export async function computeOrganizationCoverage(
  executor: Executor,
  organizationId: string,
  asOf: string,
  now: Date,
) {
  const rules = await executor
    .select({ rule: coverageRules, kindName: activityKinds.name })
    .from(coverageRules)
    .innerJoin(activityKinds, eq(activityKinds.id, coverageRules.kindId))
    .where(eq(coverageRules.organizationId, organizationId))
    .orderBy(asc(coverageRules.createdAt));
  // Without a rule there is no coverage to count: the roster and the attendance are not read.
  if (rules.length === 0) return [];
  const [people, { contractYears }, attendance] = await readTogether(executor, [
    () => teachersWithFacts(executor, organizationId, now),
    () => readRosterSettings(executor, organizationId),
    // Only the attendance of the rules' kinds of activity.
    () =>
      executor
        .select({
          kindId: activities.kindId,
          teacherId: activityParticipants.teacherId,
          heldOn: activities.heldOn,
        })
        .from(activityParticipants)
        .innerJoin(activities, eq(activities.id, activityParticipants.activityId))
        .where(
          and(
            eq(activities.organizationId, organizationId),
            inArray(activities.kindId, [...new Set(rules.map(({ rule }) => rule.kindId))]),
          ),
        ),
  ]);
  // Each kind's attendance by teacher, grouped once for every rule of that kind.
  const attendedByKind = new Map<string, Map<string, string[]>>();
  for (const [kindId, ofKind] of groupBy(attendance, (row) => row.kindId)) {
    const byTeacher = groupBy(ofKind, (row) => row.teacherId);
    attendedByKind.set(
      kindId,
      new Map(
        [...byTeacher].map(([teacherId, rows]) => [teacherId, rows.map((row) => row.heldOn)]),
      ),
    );
  }
  return rules.map(({ rule, kindName }) => {
    const population = people.filter(
      (person) =>
        rule.population === 'all' || hasAttribute(person, rule.population as TeacherAttribute),
    );
    const attended = attendedByKind.get(rule.kindId) ?? new Map<string, string[]>();
    const window = coverageWindow(rule.frequency as CoverageFrequency, asOf, contractYears);
    return {
      rule,
      kindName,
      window,
      ...computeCoverage(
        population.map((person) => ({
          id: person.id,
          name: person.name,
          workNo: person.workNo,
          departmentId: person.departmentId,
        })),
        attended,
        window,
      ),
    };
  });
}

/** A department short of a rule in the rule's running period: who must, who did, who is missing. */
export interface CoverageGap {
  rule: CoverageRuleRow;
  kindName: string;
  period: CoveragePeriod;
  departmentId: string | null;
  required: number;
  covered: number;
  missing: CoveragePerson[];
}

/**
 * Every department below 100 % of a rule on a day, in the rule's running period: what the
 * liaisons are reminded of and what the office's supervision page lists.
 */
export async function listCoverageGaps(
  executor: Executor,
  organizationId: string,
  today: string,
  now: Date,
): Promise<CoverageGap[]> {
  return (await computeOrganizationCoverage(executor, organizationId, today, now)).flatMap(
    ({ rule, kindName, departments }) =>
      departments
        .filter((count) => count.covered < count.required)
        .map((count) => ({
          rule,
          kindName,
          period: coveragePeriod(rule.frequency as CoverageFrequency, today),
          departmentId: count.departmentId,
          required: count.required,
          covered: count.covered,
          missing: count.missing,
        })),
  );
}

export function createActivityService({
  db,
  clock,
  maxFileBytes: _maxFileBytes,
  views,
}: {
  db: Database;
  clock: Clock;
  maxFileBytes: number;
  /** Keeps each page until the organization's next write (absent: every read computes). */
  views?: ViewCache;
}) {
  const ruleView = (rule: CoverageRuleRow, kindName: string) => ({
    id: rule.id,
    kindId: rule.kindId,
    kindName,
    name: rule.name,
    population: rule.population as RuleInput['population'],
    frequency: rule.frequency,
    itemNo: rule.itemNo,
  });

  /** One page of the activities list as the service answers it (see `list`). */
  async function listPage(
    organizationId: string,
    departmentId: string | undefined,
    query: { kindId?: string; page: number; pageSize: number },
  ): Promise<ActivityList> {
    const where = and(
      eq(activities.organizationId, organizationId),
      departmentId ? eq(activities.departmentId, departmentId) : undefined,
      query.kindId ? eq(activities.kindId, query.kindId) : undefined,
    );
    const [rows, [counted]] = await Promise.all([
      db
        .select({ activity: activities, kind: activityKinds })
        .from(activities)
        .innerJoin(activityKinds, eq(activityKinds.id, activities.kindId))
        .where(where)
        .orderBy(desc(activities.heldOn), desc(activities.recordedAt), desc(activities.id))
        .limit(query.pageSize)
        .offset((query.page - 1) * query.pageSize),
      db.select({ total: count() }).from(activities).where(where),
    ]);
    const ids = rows.map((row) => row.activity.id);
    const [participants, evidence, allDepartments] = await Promise.all([
      ids.length === 0
        ? []
        : db
            .select({
              activityId: activityParticipants.activityId,
              id: teachers.id,
              workNo: teachers.workNo,
              name: teachers.name,
            })
            .from(activityParticipants)
            .innerJoin(teachers, eq(teachers.id, activityParticipants.teacherId))
            .where(inArray(activityParticipants.activityId, ids))
            .orderBy(asc(teachers.workNo)),
      evidenceViewsById(
        db,
        organizationId,
        rows.flatMap((row) => row.activity.evidenceIds),
      ),
      listDepartments(db, organizationId),
    ]);
    const names = new Map(allDepartments.map((d) => [d.id, d.name]));
    const participantsOf = new Map<string, { id: string; workNo: string; name: string }[]>();
    for (const { activityId, id, workNo, name } of participants) {
      const list = participantsOf.get(activityId) ?? [];
      list.push({ id, workNo, name });
      participantsOf.set(activityId, list);
    }
    return {
      activities: rows.map(({ activity, kind }) => ({
        id: activity.id,
        kind: { id: kind.id, name: kind.name, itemNos: kind.itemNos },
        department: { id: activity.departmentId, name: names.get(activity.departmentId) ?? '' },
        title: activity.title,
        heldOn: activity.heldOn,
        note: activity.note,
        evidence: activity.evidenceIds.flatMap((id) => evidence.get(id) ?? []),
        participants: participantsOf.get(activity.id) ?? [],
        recordedByName: activity.recordedByName,
      })),
      total: counted?.total ?? 0,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  return {
    async kinds(actor: Actor) {
      const rows = await db
        .select()
        .from(activityKinds)
        .where(eq(activityKinds.organizationId, actor.organizationId))
        .orderBy(asc(activityKinds.createdAt));
      return { kinds: rows.map((row) => ({ id: row.id, name: row.name, itemNos: row.itemNos })) };
    },

    async createKind(actor: Actor, input: { name: string; itemNos: number[] }) {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(activityKinds)
          .values({ organizationId: actor.organizationId, ...input, createdAt: clock.now() })
          .onConflictDoUpdate({
            target: [activityKinds.organizationId, activityKinds.name],
            set: { itemNos: input.itemNos },
          })
          .returning();
        await recordAudit(tx, clock, actor, {
          action: 'activity.kind.save',
          entityType: 'activity_kind',
          entityId: row!.id,
          after: input,
        });
        return { id: row!.id, name: row!.name, itemNos: row!.itemNos };
      });
    },

    /**
     * One page, paged in SQL: the latest held first (then the latest recorded, then by id, so that
     * pages never overlap), read through an index in that order; participants and evidence only of
     * the page's activities. Kept until the organization's next write (every table it reads carries
     * the organization: activities, their kinds and participants, teachers, departments, evidence),
     * one view per department filter, kind and page: a liaison's page is their department's, so
     * readers of one filter see the same page.
     */
    async list(
      actor: Actor,
      query: { departmentId?: string; kindId?: string; page: number; pageSize: number },
    ): Promise<ActivityList> {
      const departmentId = actor.role === 'liaison' ? actor.departmentId : query.departmentId;
      const compute = () => listPage(actor.organizationId, departmentId ?? undefined, query);
      return views
        ? views.read(
            actor.organizationId,
            `activities.list/${departmentId ?? ''}/${query.kindId ?? ''}/${query.page}/${query.pageSize}`,
            compute,
          )
        : compute();
    },

    async record(actor: Actor, input: RecordInput): Promise<{ id: string }> {
      return db.transaction(async (tx) => {
        await requireReachableDepartment(tx, actor, input.departmentId);
        const [kind] = await tx
          .select()
          .from(activityKinds)
          .where(
            and(
              eq(activityKinds.organizationId, actor.organizationId),
              eq(activityKinds.id, input.kindId),
            ),
          );
        if (!kind) throw new AppError('activity.kind_not_found');
        await assertEvidenceUsable(tx, actor, input.evidenceIds);
        const ids = [...new Set(input.participantIds)];
        const known =
          ids.length === 0
            ? []
            : await tx
                .select({ id: teachers.id })
                .from(teachers)
                .where(
                  and(eq(teachers.organizationId, actor.organizationId), inArray(teachers.id, ids)),
                );
        if (known.length !== ids.length)
          throw new AppError('activity.unknown_participants', { count: ids.length - known.length });
        const [row] = await tx
          .insert(activities)
          .values({
            organizationId: actor.organizationId,
            kindId: kind.id,
            departmentId: input.departmentId,
            title: input.title,
            heldOn: input.heldOn,
            evidenceIds: input.evidenceIds,
            note: input.note,
            recordedBy: actor.userId,
            recordedByName: actor.username,
            recordedAt: clock.now(),
          })
          .returning();
        if (ids.length > 0)
          await tx.insert(activityParticipants).values(
            ids.map((teacherId) => ({
              activityId: row!.id,
              teacherId,
              organizationId: actor.organizationId,
            })),
          );
        await recordAudit(tx, clock, actor, {
          action: 'activity.record',
          entityType: 'activity',
          entityId: row!.id,
          after: {
            kind: kind.name,
            title: input.title,
            heldOn: input.heldOn,
            participants: ids.length,
          },
        });
        return { id: row!.id };
      });
    },

    async remove(actor: Actor, id: string) {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .select()
          .from(activities)
          .where(and(eq(activities.organizationId, actor.organizationId), eq(activities.id, id)));
        if (!row) throw new AppError('activity.not_found');
        await requireReachableDepartment(tx, actor, row.departmentId);
        await tx.delete(activities).where(eq(activities.id, id));
        await recordAudit(tx, clock, actor, {
          action: 'activity.delete',
          entityType: 'activity',
          entityId: id,
          before: { title: row.title, heldOn: row.heldOn },
        });
      });
    },

    /** A sign-in sheet (.xlsx) read against the roster: by 工号, else by a name unique in the roster. Writes nothing. */
    async readSignInSheet(actor: Actor, upload: Upload): Promise<SignInSheetResult> {
      const document = await readSpreadsheet(upload, {
        maxRows: 5000,
        maxColumns: 40,
        // a sign-in sheet is a few hundred names: a few MB inflated is already generous
        maxInflatedBytes: 10 * 1024 * 1024,
      });
      const people = await db
        .select()
        .from(teachers)
        .where(eq(teachers.organizationId, actor.organizationId));
      const byWorkNo = new Map(people.map((person) => [person.workNo, person]));
      const byName = new Map<string, typeof people>();
      for (const person of people)
        byName.set(person.name, [...(byName.get(person.name) ?? []), person]);
      const names = new Map(
        (await listDepartments(db, actor.organizationId)).map((d) => [d.id, d.name]),
      );
      for (const block of document.blocks) {
        if (block.kind !== 'table') continue;
        const headerIndex = block.rows.findIndex(
          (row, index) =>
            index < 10 &&
            row.cells.some((cell) => ['workNo', 'name'].includes(fieldOfHeader(cell) ?? '')),
        );
        if (headerIndex < 0) continue;
        const header = block.rows[headerIndex]!.cells;
        const workNoColumn = header.findIndex((cell) => fieldOfHeader(cell) === 'workNo');
        const nameColumn = header.findIndex((cell) => fieldOfHeader(cell) === 'name');
        const matched = new Map<string, SignInSheetResult['matched'][number]>();
        const unmatched: SignInSheetResult['unmatched'] = [];
        for (const row of block.rows.slice(headerIndex + 1)) {
          const workNo = workNoColumn >= 0 ? (row.cells[workNoColumn] ?? '').trim() : '';
          const name = nameColumn >= 0 ? (row.cells[nameColumn] ?? '').replace(/\s/g, '') : '';
          if (!workNo && !name) continue;
          const candidates = byName.get(name) ?? [];
          const person =
            byWorkNo.get(workNo) ?? (candidates.length === 1 ? candidates[0] : undefined);
          if (person)
            matched.set(person.id, {
              id: person.id,
              workNo: person.workNo,
              name: person.name,
              department: person.departmentId
                ? (names.get(person.departmentId) ?? null)
                : person.departmentName,
            });
          else
            unmatched.push({
              row: row.sourceRow ?? 0,
              text: [workNo, name].filter(Boolean).join(' '),
            });
        }
        return { matched: [...matched.values()], unmatched };
      }
      throw new AppError('activity.sheet_no_header');
    },

    async rules(actor: Actor) {
      const rows = await db
        .select({ rule: coverageRules, kindName: activityKinds.name })
        .from(coverageRules)
        .innerJoin(activityKinds, eq(activityKinds.id, coverageRules.kindId))
        .where(eq(coverageRules.organizationId, actor.organizationId))
        .orderBy(asc(coverageRules.createdAt));
      return { rules: rows.map(({ rule, kindName }) => ruleView(rule, kindName)) };
    },

    async createRule(actor: Actor, input: RuleInput) {
      return db.transaction(async (tx) => {
        const [kind] = await tx
          .select()
          .from(activityKinds)
          .where(
            and(
              eq(activityKinds.organizationId, actor.organizationId),
              eq(activityKinds.id, input.kindId),
            ),
          );
        if (!kind) throw new AppError('activity.kind_not_found');
        const [row] = await tx
          .insert(coverageRules)
          .values({ organizationId: actor.organizationId, ...input, createdAt: clock.now() })
          .returning();
        await recordAudit(tx, clock, actor, {
          action: 'coverage.rule.save',
          entityType: 'coverage_rule',
          entityId: row!.id,
          after: input,
        });
        return ruleView(row!, kind.name);
      });
    },

    /** Coverage per rule; missing people named for the office (all) and a liaison (own department). */
    async coverage(actor: Actor, asOfQuery?: string): Promise<CoverageView> {
      const asOf = asOfQuery ?? calendarDate(clock.now());
      const computed = await computeOrganizationCoverage(
        db,
        actor.organizationId,
        asOf,
        clock.now(),
      );
      const names = new Map(
        (await listDepartments(db, actor.organizationId)).map((d) => [d.id, d.name]),
      );
      const office = actor.role === 'admin' || actor.role === 'coordinator';
      return {
        asOf,
        rules: computed.map(({ rule, kindName, window, institution, departments }) => ({
          ...ruleView(rule, kindName),
          window,
          institution: {
            required: institution.required,
            covered: institution.covered,
            rate: percent(institution.covered, institution.required),
          },
          departments: departments
            .filter(
              (count) => actor.role !== 'liaison' || count.departmentId === actor.departmentId,
            )
            .map((count) => ({
              departmentId: count.departmentId,
              name: count.departmentId ? (names.get(count.departmentId) ?? '') : '未匹配部门',
              required: count.required,
              covered: count.covered,
              rate: percent(count.covered, count.required),
              missing:
                office || (actor.role === 'liaison' && count.departmentId === actor.departmentId)
                  ? count.missing.map(({ id, workNo, name }) => ({ id, workNo, name }))
                  : null,
            }))
            .sort((a, b) => (a.rate ?? 101) - (b.rate ?? 101) || compareChinese(a.name, b.name)),
        })),
      };
    },
  };
}

export type ActivityService = ReturnType<typeof createActivityService>;
