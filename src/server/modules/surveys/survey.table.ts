import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Population } from '../../../shared/api/surveys';
import type { Answers, Questionnaire } from '../../../shared/surveys/questionnaire';
import { organizations } from '../organizations/organization.table';
import { teachers } from '../teachers/teacher.table';

export const surveyStatuses = ['draft', 'open', 'closed'] as const;

/** A questionnaire the office builds and sends to a population of the roster. */
export const surveys = pgTable(
  'surveys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    title: text('title').notNull(),
    intro: text('intro').notNull().default(''),
    itemNos: integer('item_nos').array().notNull().default(sql`'{}'::integer[]`),
    year: integer('year').notNull(),
    status: text('status', { enum: surveyStatuses }).notNull().default('draft'),
    questionnaire: jsonb('questionnaire').$type<Questionnaire>().notNull(),
    population: jsonb('population').$type<Population>().notNull(),
    /** Fixed when the survey opens: results are shown only for groups of at least this many. */
    threshold: integer('threshold').notNull().default(5),
    /** Departments with fewer invited teachers than the threshold, tallied together as 其他. */
    mergedDepartments: uuid('merged_departments').array().notNull().default(sql`'{}'::uuid[]`),
    openedOn: date('opened_on', { mode: 'string' }),
    closedOn: date('closed_on', { mode: 'string' }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('surveys_organization_idx').on(table.organizationId, table.year)],
);

/**
 * Who may answer, and whether they have: the token's hash proves eligibility once and is then
 * cleared, with the sealed token (kept only to re-send reminders). No timestamp: nothing here says
 * when someone answered.
 */
export const surveyInvitations = pgTable(
  'survey_invitations',
  {
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    teacherId: uuid('teacher_id')
      .notNull()
      .references(() => teachers.id),
    tokenHash: text('token_hash'),
    sealedToken: text('sealed_token'),
    responded: boolean('responded').notNull().default(false),
    reminders: integer('reminders').notNull().default(0),
  },
  (table) => [
    primaryKey({ columns: [table.surveyId, table.teacherId] }),
    uniqueIndex('survey_invitations_token_unique').on(table.tokenHash),
  ],
);

/**
 * One set of answers: a random id, the survey, the answers. Nothing else — no teacher, no token,
 * no time, no department: nothing joins it to a person (test/api/surveys.test.ts).
 */
export const surveyResponses = pgTable(
  'survey_responses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    answers: jsonb('answers').$type<Answers>().notNull(),
  },
  (table) => [index('survey_responses_survey_idx').on(table.surveyId)],
);

/**
 * The breakdown's counters, one dimension at a time (a department; 青年教师 yes/no; …): for each
 * group, how many answered, and per question the count of each option or scale point. Counters,
 * never rows per answer, so that no combination of a respondent's groups is stored anywhere.
 * question '' / value -1 counts the group's responses; row is a matrix row (-1 otherwise).
 */
export const surveyTallies = pgTable(
  'survey_tallies',
  {
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    dimension: text('dimension').notNull(),
    groupKey: text('group_key').notNull(),
    questionId: text('question_id').notNull(),
    row: integer('row').notNull(),
    value: integer('value').notNull(),
    count: integer('count').notNull(),
  },
  (table) => [
    primaryKey({
      columns: [
        table.surveyId,
        table.dimension,
        table.groupKey,
        table.questionId,
        table.row,
        table.value,
      ],
    }),
  ],
);

export type SurveyRow = typeof surveys.$inferSelect;
