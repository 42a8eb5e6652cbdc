import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sha256 } from '../../io/sha256';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type {
  RosterPreview,
  RosterSettings,
  TeacherRecord,
  TeacherSummary,
  rosterImportQuerySchema,
  teacherListQuerySchema,
} from '../../../shared/api/teachers';
import { calendarDate } from '../../../shared/dates';
import { AppError, formatErrorMessage, type Locale } from '../../../shared/errors';
import { contactsFor, maskEmail, maskPhone } from '../../../shared/personal-data';
import { hasAttribute } from '../../../shared/teachers/attributes';
import {
  changedFields,
  findRosterHeader,
  isYoungTeacher,
  readRosterRows,
  type ComparedTeacher,
  type RosterEntry,
  type RosterProblem,
} from '../../../shared/teachers/roster-sheet';
import type { Clock } from '../../clock';
import type { Database, Executor } from '../../db/client';
import type { Upload } from '../../http/upload';
import { readSpreadsheet } from '../../io/plan-document-reader';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { listDepartments } from '../departments/department.repository';
import type { Department } from '../departments/department.table';
import { findTeacher, listTeachersOfOrganization, readRosterSettings } from './teacher.repository';
import { rosterSettings, teachers, type TeacherRow } from './teacher.table';

type ListQuery = z.output<typeof teacherListQuerySchema>;
type ImportQuery = z.output<typeof rosterImportQuerySchema>;

/** A teacher with what the standard counts them by, as of one day. */
export interface TeacherWithFacts extends TeacherRow {
  young: boolean | null;
}

/** Every teacher of an institution (active only unless told), with 青年教师 as of `now`. */
export async function teachersWithFacts(
  executor: Executor,
  organizationId: string,
  now: Date,
  options: { activeOnly?: boolean } = { activeOnly: true },
): Promise<TeacherWithFacts[]> {
  const settings = await readRosterSettings(executor, organizationId);
  const today = calendarDate(now);
  return (await listTeachersOfOrganization(executor, organizationId, options)).map((row) => ({
    ...row,
    young: isYoungTeacher(row, settings.youngAgeLimit, today),
  }));
}

/** How a department name of the HR export finds Luoshi's department: by name or alias. */
function departmentMatcher(departments: readonly Department[]) {
  const byName = new Map<string, Department>();
  for (const department of departments) {
    byName.set(department.name.replace(/\s/g, ''), department);
    for (const alias of department.aliases) byName.set(alias.replace(/\s/g, ''), department);
  }
  return (name: string | null) => (name ? byName.get(name.replace(/\s/g, '')) : undefined);
}

function compared(row: {
  name: string;
  departmentId: string | null;
  birthDate: string | null;
  ageBand: string | null;
  returnedOverseas: boolean;
  partyMember: boolean;
  nonPartyRepresentative: boolean;
  staffKind: string | null;
  title: string | null;
  phone: string | null;
  email: string | null;
}): ComparedTeacher {
  return {
    name: row.name,
    departmentId: row.departmentId,
    birthDate: row.birthDate,
    ageBand: row.ageBand,
    returnedOverseas: row.returnedOverseas,
    partyMember: row.partyMember,
    nonPartyRepresentative: row.nonPartyRepresentative,
    staffKind: row.staffKind,
    title: row.title,
    phone: row.phone,
    email: row.email,
  };
}

export function createTeacherService({ db, clock }: { db: Database; clock: Clock }) {
  function summaryOf(
    row: TeacherWithFacts,
    departmentName: ReadonlyMap<string, string>,
  ): TeacherSummary {
    return {
      id: row.id,
      workNo: row.workNo,
      name: row.name,
      department: row.departmentId
        ? { id: row.departmentId, name: departmentName.get(row.departmentId) ?? '' }
        : null,
      departmentName: row.departmentName,
      young: row.young,
      returnedOverseas: row.returnedOverseas,
      partyMember: row.partyMember,
      nonPartyRepresentative: row.nonPartyRepresentative,
      staffKind: row.staffKind,
      title: row.title,
      // lists never show contacts in full: a full record is read one at a time, and audited
      phone: row.phone === null ? null : maskPhone(row.phone),
      email: row.email === null ? null : maskEmail(row.email),
      active: row.active,
    };
  }

  async function departmentNames(organizationId: string) {
    return new Map(
      (await listDepartments(db, organizationId)).map((department) => [
        department.id,
        department.name,
      ]),
    );
  }

  return {
    async settings(actor: Actor): Promise<RosterSettings> {
      return readRosterSettings(db, actor.organizationId);
    },

    async updateSettings(actor: Actor, input: RosterSettings): Promise<RosterSettings> {
      return db.transaction(async (tx) => {
        const before = await readRosterSettings(tx, actor.organizationId);
        await tx
          .insert(rosterSettings)
          .values({ organizationId: actor.organizationId, ...input, updatedAt: clock.now() })
          .onConflictDoUpdate({
            target: rosterSettings.organizationId,
            set: { ...input, updatedAt: clock.now() },
          });
        await recordAudit(tx, clock, actor, {
          action: 'roster.settings',
          entityType: 'roster_settings',
          entityId: actor.organizationId,
          before,
          after: input,
        });
        return input;
      });
    },

    async list(actor: Actor, query: ListQuery) {
      const departmentId = actor.role === 'liaison' ? actor.departmentId : query.departmentId;
      if (actor.role === 'liaison' && !departmentId) throw new AppError('auth.forbidden');
      const all = await teachersWithFacts(db, actor.organizationId, clock.now(), {
        activeOnly: false,
      });
      const names = await departmentNames(actor.organizationId);
      const needle = query.q?.trim();
      const chosen = all.filter(
        (row) =>
          (query.includeInactive === 'true' || row.active) &&
          (!departmentId || row.departmentId === departmentId) &&
          (!query.attribute || hasAttribute(row, query.attribute)) &&
          (!needle || row.name.includes(needle) || row.workNo.includes(needle)),
      );
      const scoped = all.filter((row) => !departmentId || row.departmentId === departmentId);
      return {
        teachers: chosen.map((row) => summaryOf(row, names)),
        counts: {
          active: scoped.filter((row) => row.active).length,
          inactive: scoped.filter((row) => !row.active).length,
        },
      };
    },

    /** One teacher's record: in full (and audited) for the roles that keep the roster, masked for the rest. */
    async get(actor: Actor, id: string): Promise<TeacherRecord> {
      const row = await findTeacher(db, actor.organizationId, id);
      if (!row) throw new AppError('teachers.not_found');
      if (actor.role === 'liaison' && row.departmentId !== actor.departmentId)
        throw new AppError('teachers.not_found');
      const settings = await readRosterSettings(db, actor.organizationId);
      const withFacts = {
        ...row,
        young: isYoungTeacher(row, settings.youngAgeLimit, calendarDate(clock.now())),
      };
      const summary = summaryOf(withFacts, await departmentNames(actor.organizationId));
      const full =
        contactsFor(actor.role, 'teacherRecord', { phone: 'x', email: 'x' }).phone === 'x';
      if (full)
        await recordAudit(db, clock, actor, {
          action: 'teachers.read',
          entityType: 'teacher',
          entityId: row.id,
          after: { workNo: row.workNo, fields: ['birthDate', 'phone', 'email'] },
        });
      return {
        ...summary,
        phone: full ? row.phone : summary.phone,
        email: full ? row.email : summary.email,
        birthDate: full ? row.birthDate : null,
        ageBand: full ? row.ageBand : null,
        full,
        updatedAt: row.updatedAt.toISOString(),
      };
    },

    /**
     * The HR export read against the roster: with dryRun, what would change (nothing is written);
     * then the same file with basedOn=<the preview's token> applies it in one transaction, all or
     * nothing, refusing when the roster or the file changed in between.
     */
    async importSheet(
      actor: Actor,
      upload: Upload,
      query: ImportQuery,
      locale: Locale,
    ): Promise<RosterPreview> {
      const document = await readSpreadsheet(upload, { maxRows: 50_000, maxColumns: 80 });
      let parsed: {
        header: NonNullable<ReturnType<typeof findRosterHeader>>;
        rows: string[][];
        sourceRows: number[];
      } | null = null;
      for (const block of document.blocks) {
        if (block.kind !== 'table') continue;
        const rows = block.rows.map((row) => row.cells);
        const header = findRosterHeader(rows);
        if (header) {
          parsed = { header, rows, sourceRows: block.rows.map((row) => row.sourceRow ?? 0) };
          break;
        }
      }
      if (!parsed) throw new AppError('teachers.sheet_no_header');
      const { header, rows, sourceRows } = parsed;
      await yieldToEventLoop();
      const { entries, problems } = readRosterRows(
        rows,
        header,
        (index) => sourceRows[index] ?? index + 1,
      );
      await yieldToEventLoop();
      const fileHash = sha256(upload.bytes);

      const run = async (tx: Executor, apply: boolean): Promise<RosterPreview> => {
        const current = await listTeachersOfOrganization(tx, actor.organizationId);
        const rosterHash = sha256(
          JSON.stringify(current.map((row) => [row.id, row.version]).sort()),
        );
        const token = `${rosterHash}.${fileHash}`;
        if (apply && query.basedOn !== token) throw new AppError('teachers.preview_stale');
        const match = departmentMatcher(await listDepartments(tx, actor.organizationId));
        const byWorkNo = new Map(current.map((row) => [row.workNo, row]));
        const allProblems: RosterProblem[] = [...problems];
        const created: RosterPreview['created'] = [];
        const updated: RosterPreview['updated'] = [];
        const toInsert: (RosterEntry & { departmentId: string | null })[] = [];
        const toUpdate: {
          row: TeacherRow;
          next: ComparedTeacher & { departmentName: string | null };
        }[] = [];
        let unchanged = 0;
        let reactivated = 0;
        for (const [index, entry] of entries.entries()) {
          // A roster of tens of thousands of rows is compared in slices: other requests run between.
          if (index % 1000 === 999) await yieldToEventLoop();
          const department = match(entry.departmentName);
          if (entry.departmentName && !department)
            allProblems.push({
              row: entry.row,
              code: 'teachers.row_unknown_department',
              params: { row: entry.row, department: entry.departmentName },
              severity: 'warning',
            });
          const departmentId = department?.id ?? null;
          const existing = byWorkNo.get(entry.workNo);
          const next = compared({ ...entry, departmentId });
          if (!existing) {
            created.push({
              row: entry.row,
              workNo: entry.workNo,
              name: entry.name,
              departmentName: entry.departmentName,
            });
            toInsert.push({ ...entry, departmentId });
            continue;
          }
          const fields = changedFields(compared(existing), next);
          if (fields.length === 0 && existing.active) {
            unchanged++;
            continue;
          }
          if (!existing.active) reactivated++;
          const masked = (field: string, value: string | boolean | null) =>
            typeof value === 'string' && (field === 'phone' || field === 'email')
              ? field === 'phone'
                ? maskPhone(value)
                : maskEmail(value)
              : field === 'birthDate' && value
                ? '****-**-**'
                : value;
          updated.push({
            row: entry.row,
            workNo: entry.workNo,
            name: entry.name,
            reactivated: !existing.active,
            changes: fields.map((field) => ({
              field,
              before: masked(field, compared(existing)[field] ?? null),
              after: masked(field, next[field] ?? null),
            })),
          });
          toUpdate.push({ row: existing, next: { ...next, departmentName: entry.departmentName } });
        }
        const listed = new Set(entries.map((entry) => entry.workNo));
        // Rows with errors are not in `entries`; their teachers are not treated as leavers.
        for (const problem of problems) {
          const workNo = rows[problem.row - 1]?.[header.columns.get('workNo') ?? -1];
          if (workNo) listed.add(workNo.trim());
        }
        const leavers = current.filter((row) => row.active && !listed.has(row.workNo));
        const errors = allProblems.filter((problem) => problem.severity === 'error');
        if (apply) {
          if (errors.length > 0)
            throw new AppError('teachers.sheet_has_errors', { count: errors.length });
          const now = clock.now();
          if (toInsert.length > 0)
            for (let start = 0; start < toInsert.length; start += 1000)
              await tx.insert(teachers).values(
                toInsert.slice(start, start + 1000).map((entry) => ({
                  organizationId: actor.organizationId,
                  workNo: entry.workNo,
                  name: entry.name,
                  departmentId: entry.departmentId,
                  departmentName: entry.departmentName,
                  birthDate: entry.birthDate,
                  ageBand: entry.ageBand,
                  returnedOverseas: entry.returnedOverseas,
                  partyMember: entry.partyMember,
                  nonPartyRepresentative: entry.nonPartyRepresentative,
                  staffKind: entry.staffKind,
                  title: entry.title,
                  phone: entry.phone,
                  email: entry.email,
                  createdAt: now,
                  updatedAt: now,
                })),
              );
          for (const { row, next } of toUpdate)
            await tx
              .update(teachers)
              .set({
                name: next.name as string,
                departmentId: next.departmentId as string | null,
                departmentName: next.departmentName,
                birthDate: next.birthDate as string | null,
                ageBand: next.ageBand as string | null,
                returnedOverseas: next.returnedOverseas as boolean,
                partyMember: next.partyMember as boolean,
                nonPartyRepresentative: next.nonPartyRepresentative as boolean,
                staffKind: next.staffKind as TeacherRow['staffKind'],
                title: next.title as string | null,
                phone: next.phone as string | null,
                email: next.email as string | null,
                active: true,
                version: row.version + 1,
                updatedAt: now,
              })
              .where(eq(teachers.id, row.id));
          if (leavers.length > 0)
            await tx
              .update(teachers)
              .set({ active: false, updatedAt: now })
              .where(
                and(
                  eq(teachers.organizationId, actor.organizationId),
                  inArray(
                    teachers.id,
                    leavers.map((row) => row.id),
                  ),
                ),
              );
          await recordAudit(tx, clock, actor, {
            action: 'roster.import',
            entityType: 'roster',
            entityId: actor.organizationId,
            after: {
              fileName: upload.fileName,
              created: created.length,
              updated: updated.length,
              deactivated: leavers.map((row) => row.workNo),
            },
          });
        }
        return {
          applied: apply,
          token,
          headerRow: sourceRows[header.rowIndex] ?? header.rowIndex + 1,
          recognised: [...header.columns.keys()],
          counts: {
            rows:
              entries.length +
              errors.filter((problem) => problem.code !== 'teachers.row_bad_birth_date').length,
            created: created.length,
            updated: updated.length,
            unchanged,
            reactivated,
            deactivated: leavers.length,
          },
          created,
          updated,
          deactivated: leavers.map((row) => ({ workNo: row.workNo, name: row.name })),
          problems: allProblems
            .sort((a, b) => a.row - b.row)
            .map((problem) => ({
              row: problem.row,
              code: problem.code,
              severity: problem.severity,
              message: formatErrorMessage(problem.code, problem.params, locale),
            })),
        };
      };
      if (query.dryRun === 'true') return run(db, false);
      return db.transaction(async (tx) => {
        // one import at a time per institution: the second waits and then finds its preview stale
        await tx.execute(
          sql`select pg_advisory_xact_lock(hashtext(${`roster:${actor.organizationId}`}))`,
        );
        return run(tx, true);
      });
    },
  };
}

export type TeacherService = ReturnType<typeof createTeacherService>;
