import ExcelJS from 'exceljs';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { teachers } from '../../src/server/modules/teachers/teacher.table';
import type { SurveyResults, SurveyView } from '../../src/shared/api/surveys';
import { surveyTemplates } from '../../src/shared/surveys/templates';
import { importRoster, rosterSheet, teachersOf } from '../support/roster';
import {
  createInstitution,
  createTestApp,
  createUser,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set('2024-10-08T02:00:00Z');
});
afterAll(async () => t.close());

async function setUp() {
  const { organization, departments } = await createInstitution(t.db, [
    { name: '马克思主义学院', kind: 'teaching' },
    { name: '外国语学院', kind: 'teaching' },
  ]);
  const coordinator = await signIn(
    t.app,
    (await createUser(t.db, organization.id, 'coordinator')).username,
  );
  await importRoster(
    coordinator,
    await rosterSheet([
      ...teachersOf('马克思主义学院', 'M', 8),
      ...teachersOf('外国语学院', 'W', 4),
    ]),
  );
  return { organization, departments, coordinator };
}

async function links(client: SignedInClient, surveyId: string) {
  const response = await client.get(`/api/v1/surveys/${surveyId}/links.xlsx`);
  expect(response.statusCode).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.rawPayload as unknown as ExcelJS.Buffer);
  const rows: { workNo: string; code: string; link: string }[] = [];
  workbook.worksheets[0]!.eachRow((row, number) => {
    if (number <= 2) return;
    rows.push({
      workNo: String(row.getCell(1).value),
      code: String(row.getCell(4).value),
      link: String(row.getCell(5).value),
    });
  });
  return rows;
}

const answer = (token: string, answers: Record<string, unknown>) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/public/survey-answer',
    payload: { token, answers },
  });

/** A complete answer to the item 43 template; `score` on every scale. */
const item43Answer = (score: number, text = '') => ({
  q1: score,
  q2: score,
  q3: [score, score, score, score, score, score, score],
  q4: [0, 2],
  q5: text,
});

async function openedSurvey(coordinator: SignedInClient) {
  const template = surveyTemplates.find((entry) => entry.key === 'item43')!;
  const created = await coordinator.post('/api/v1/surveys', {
    title: template.title,
    intro: template.intro,
    itemNos: template.itemNos,
    year: 2024,
    questionnaire: template.questionnaire,
    population: { kind: 'all' },
  });
  expect(created.statusCode).toBe(201);
  const survey = created.json() as SurveyView;
  const opened = await coordinator.post(`/api/v1/surveys/${survey.id}/open`);
  expect(opened.statusCode).toBe(200);
  expect(opened.json()).toMatchObject({ invited: 12 });
  return survey;
}

describe('anonymous surveys', () => {
  it('answers by personal link once, refuses results below the threshold, and breaks down above it', async () => {
    const { coordinator } = await setUp();
    const survey = await openedSurvey(coordinator);
    const invitations = await links(coordinator, survey.id);
    expect(invitations).toHaveLength(12);
    expect(invitations[0]!.link).toMatch(/\/s#[A-Za-z0-9]{16}$/);

    // the form: without signing in, nothing about the person
    const form = await t.app.inject({
      method: 'POST',
      url: '/api/v1/public/survey-form',
      payload: { token: invitations[0]!.code },
    });
    expect(form.statusCode).toBe(200);
    expect(form.json().title).toBe(survey.title);
    expect(form.body).not.toContain('老师');

    // a required question missing: refused, the link still works
    const incomplete = await answer(invitations[0]!.code, { q1: 5 });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json().error.code).toBe('survey.answer_invalid');

    const marx = invitations.filter((row) => row.workNo.startsWith('M'));
    const foreign = invitations.filter((row) => row.workNo.startsWith('W'));
    for (const [index, row] of marx.slice(0, 3).entries())
      expect(
        (await answer(row.code, item43Answer(4 + (index % 2), index === 0 ? '希望多组织研修' : '')))
          .statusCode,
      ).toBe(204);
    // used once: the same link again is refused
    const again = await answer(marx[0]!.code, item43Answer(1));
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('survey.link_invalid');

    const few = await coordinator.get(`/api/v1/surveys/${survey.id}/results`);
    expect(few.statusCode).toBe(403);
    expect(few.json().error.code).toBe('survey.below_threshold');
    expect((await coordinator.get(`/api/v1/surveys/${survey.id}/results.xlsx`)).statusCode).toBe(
      403,
    );

    for (const row of [...marx.slice(3, 6), foreign[0]!])
      expect((await answer(row.code, item43Answer(2))).statusCode).toBe(204);
    const results = (
      await coordinator.get(`/api/v1/surveys/${survey.id}/results?dimension=department`)
    ).json() as SurveyResults;
    expect(results).toMatchObject({ responses: 7, invited: 12, responseRate: 58.3, threshold: 5 });
    expect(results.questions[0]!.counts).toEqual([0, 4, 0, 2, 1]);
    expect(results.questions[4]!.texts).toEqual(['希望多组织研修']);
    // 外国语学院 (4 invited) is tallied as 其他, and with one answer it is hidden; hiding it alone would
    // let the total minus 马院 reveal it, so 马院 is hidden too
    expect(
      results.breakdown!.groups.map((group) => [group.name, group.hidden, group.responses]),
    ).toEqual([
      ['马克思主义学院', true, null],
      ['其他', true, null],
    ]);
    const byYoung = (
      await coordinator.get(`/api/v1/surveys/${survey.id}/results?dimension=young`)
    ).json() as SurveyResults;
    expect(
      byYoung.breakdown!.groups.every((group) => group.hidden || (group.responses ?? 0) >= 5),
    ).toBe(true);

    const progress = (await coordinator.get(`/api/v1/surveys/${survey.id}/progress`)).json();
    expect(progress).toMatchObject({ invited: 12, responded: 7 });
    expect((await links(coordinator, survey.id)).map((row) => row.workNo).sort()).toEqual(
      [...marx.slice(6), ...foreign.slice(1)].map((row) => row.workNo).sort(),
    );

    const xlsx = await coordinator.get(`/api/v1/surveys/${survey.id}/results.xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const docx = await coordinator.get(`/api/v1/surveys/${survey.id}/report.docx`);
    expect(docx.statusCode).toBe(200);
    expect(docx.headers['content-type']).toContain('wordprocessingml');

    const closed = await coordinator.post(`/api/v1/surveys/${survey.id}/close`);
    expect(closed.json().status).toBe('closed');
    expect((await answer(foreign[1]!.code, item43Answer(3))).statusCode).toBe(404);
  });

  it('leaves nothing in the database that joins an answer to a person (schema and data)', async () => {
    const { coordinator, organization } = await setUp();
    const survey = await openedSurvey(coordinator);
    const invitations = await links(coordinator, survey.id);
    const auditBefore = (
      await t.db.select().from(auditLog).where(eq(auditLog.organizationId, organization.id))
    ).length;
    for (const [index, row] of invitations.slice(0, 6).entries())
      expect(
        (await answer(row.code, item43Answer(1 + (index % 5), `意见${index}`))).statusCode,
      ).toBe(204);
    // answering wrote nothing to the audit log (it would carry a time)
    expect(
      (await t.db.select().from(auditLog).where(eq(auditLog.organizationId, organization.id)))
        .length,
    ).toBe(auditBefore);

    // schema: the answer table has the answer and nothing else; nothing references a teacher but invitations
    const columns = async (table: string) =>
      (
        await t.db.execute<{ column_name: string; data_type: string }>(
          sql`select column_name, data_type from information_schema.columns where table_name = ${table} order by column_name`,
        )
      ).rows;
    expect((await columns('survey_responses')).map((c) => c.column_name)).toEqual([
      'answers',
      'id',
      'organization_id',
      'survey_id',
    ]);
    expect((await columns('survey_invitations')).map((c) => c.column_name)).toEqual([
      'organization_id',
      'reminders',
      'responded',
      'sealed_token',
      'survey_id',
      'teacher_id',
      'token_hash',
    ]);
    for (const table of ['survey_responses', 'survey_invitations', 'survey_tallies'])
      expect((await columns(table)).filter((c) => /time|date|serial/.test(c.data_type))).toEqual(
        [],
      );
    const foreignKeys = (
      await t.db.execute<{ table_name: string; referenced: string }>(sql`
        select c.conrelid::regclass::text as table_name, c.confrelid::regclass::text as referenced
        from pg_constraint c where c.contype = 'f' and c.confrelid::regclass::text in ('teachers', 'survey_invitations', 'survey_responses')`)
    ).rows;
    expect(
      foreignKeys
        .filter((fk) => fk.table_name.startsWith('survey_'))
        .map((fk) => fk.table_name + '→' + fk.referenced),
    ).toEqual(['survey_invitations→teachers']);
    const defaults = (
      await t.db.execute<{ column_default: string | null }>(
        sql`select column_default from information_schema.columns where table_name = 'survey_responses' and column_name = 'id'`,
      )
    ).rows[0]!.column_default;
    expect(defaults).toBe('gen_random_uuid()');

    // data: no identifier of a person or a token anywhere in an answer
    const responses = (
      await t.db.execute<{ id: string; answers: unknown; xmin: string }>(
        sql`select id, answers, xmin::text from survey_responses where survey_id = ${survey.id}`,
      )
    ).rows;
    expect(responses).toHaveLength(6);
    const people = await t.db
      .select()
      .from(teachers)
      .where(eq(teachers.organizationId, organization.id));
    const text = JSON.stringify(responses.map((row) => row.answers));
    for (const person of people) {
      expect(text).not.toContain(person.id);
      expect(text).not.toContain(person.workNo);
      expect(text).not.toContain(person.name);
    }
    for (const row of invitations) expect(text).not.toContain(row.code);
    const invitationRows = (
      await t.db.execute<{
        teacher_id: string;
        token_hash: string | null;
        sealed_token: string | null;
        responded: boolean;
        xmin: string;
      }>(
        sql`select teacher_id, token_hash, sealed_token, responded, xmin::text from survey_invitations where survey_id = ${survey.id}`,
      )
    ).rows;
    const responded = invitationRows.filter((row) => row.responded);
    expect(responded).toHaveLength(6);
    // the token is forgotten once used
    expect(responded.every((row) => row.token_hash === null && row.sealed_token === null)).toBe(
      true,
    );
    // no response id appears among invitation values, and no system column pairs them:
    // every row of the survey was last written by the same transaction
    const invitationValues = JSON.stringify(invitationRows);
    for (const row of responses) expect(invitationValues).not.toContain(row.id);
    const tallyXmins = (
      await t.db.execute<{ xmin: string }>(
        sql`select distinct xmin::text from survey_tallies where survey_id = ${survey.id}`,
      )
    ).rows.map((row) => row.xmin);
    expect(
      new Set([
        ...responses.map((r) => r.xmin),
        ...invitationRows.map((r) => r.xmin),
        ...tallyXmins,
      ]).size,
    ).toBe(1);
    // random ids: not in insertion order of anything
    expect(
      responses.map((row) => row.id).every((id) => /^[0-9a-f-]{36}$/.test(id) && id[14] === '4'),
    ).toBe(true);
  });

  it('refuses a questionnaire that cannot be answered, and changes to a sent survey', async () => {
    const { coordinator } = await setUp();
    const templates = await coordinator.get('/api/v1/surveys/templates');
    expect(templates.statusCode, templates.body).toBe(200);
    expect(templates.json().templates.map((entry: { key: string }) => entry.key)).toEqual([
      'item43',
      'item52',
    ]);
    const bad = await coordinator.post('/api/v1/surveys', {
      title: '空问卷',
      year: 2024,
      questionnaire: {
        sections: [
          {
            title: '',
            questions: [{ id: 'q1', kind: 'single', title: '只有一个选项', options: ['是'] }],
          },
        ],
      },
      population: { kind: 'all' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('survey.invalid_questions');
    const survey = await openedSurvey(coordinator);
    const edit = await coordinator.request({
      method: 'PUT',
      url: `/api/v1/surveys/${survey.id}`,
      payload: {
        title: 'x',
        year: 2024,
        questionnaire: survey.questionnaire,
        population: { kind: 'all' },
        version: 2,
      },
    });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.code).toBe('survey.not_draft');
  });
});
