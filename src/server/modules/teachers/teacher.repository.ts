import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { rosterSettings, teachers, type TeacherRow } from './teacher.table';

export async function listTeachersOfOrganization(
  executor: Executor,
  organizationId: string,
  options: { activeOnly?: boolean } = {},
): Promise<TeacherRow[]> {
  return executor
    .select()
    .from(teachers)
    .where(
      options.activeOnly
        ? and(eq(teachers.organizationId, organizationId), eq(teachers.active, true))
        : eq(teachers.organizationId, organizationId),
    )
    .orderBy(asc(teachers.workNo));
}

export async function findTeacher(
  executor: Executor,
  organizationId: string,
  id: string,
): Promise<TeacherRow | undefined> {
  const [row] = await executor
    .select()
    .from(teachers)
    .where(and(eq(teachers.organizationId, organizationId), eq(teachers.id, id)));
  return row;
}

export async function readRosterSettings(executor: Executor, organizationId: string) {
  const [row] = await executor
    .select()
    .from(rosterSettings)
    .where(eq(rosterSettings.organizationId, organizationId));
  return {
    youngAgeLimit: row?.youngAgeLimit ?? 40,
    resultThreshold: row?.resultThreshold ?? 5,
    contractYears: row?.contractYears ?? 3,
  };
}
