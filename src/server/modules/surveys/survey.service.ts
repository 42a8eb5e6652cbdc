import { compareChinese } from '../../../shared/collections';
import { randomInt } from 'node:crypto';
import { sha256 } from '../../io/sha256';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import {
  breakdownDimensions,
  type Population,
  type SurveyForm,
  type SurveyResults,
  type SurveyView,
  type surveyBodySchema,
  type updateSurveyBodySchema,
} from '../../../shared/api/surveys';
import type { TeacherAttribute } from '../../../shared/api/teachers';
import { calendarDate } from '../../../shared/dates';
import { AppError } from '../../../shared/errors';
import { percent } from '../../../shared/report/build-quality-report';
import {
  answerProblem,
  overallFavourable,
  questionnaireProblems,
  questionsOf,
  tallyAnswers,
  type Answers,
} from '../../../shared/surveys/questionnaire';
import { suppressGroups } from '../../../shared/surveys/suppression';
import { surveyTemplates } from '../../../shared/surveys/templates';
import { hasAttribute } from '../../../shared/teachers/attributes';
import type { Clock } from '../../clock';
import type { AppConfig } from '../../config';
import type { Database, Executor } from '../../db/client';
import type { SecretBox } from '../auth/secret-box';
import type { Actor } from '../auth/actor';
import { recordAudit } from '../audit/audit.service';
import { listDepartments } from '../departments/department.repository';
import type { Mailer } from '../supervision/channels';
import { teachersWithFacts, type TeacherWithFacts } from '../teachers/teacher.service';
import { readRosterSettings } from '../teachers/teacher.repository';
import { teachers } from '../teachers/teacher.table';
import { organizations } from '../organizations/organization.table';
import type { SurveyDocument } from '../../io/survey-writers';
import {
  surveyInvitations,
  surveyResponses,
  surveys,
  surveyTallies,
  type SurveyRow,
} from './survey.table';

type SurveyInput = z.output<typeof surveyBodySchema>;
type UpdateInput = z.output<typeof updateSurveyBodySchema>;
type Dimension = (typeof breakdownDimensions)[number];

/** Letters and digits without look-alikes (no 0 O o 1 I l): 16 of them, about 92 bits. */
const TOKEN_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
export function newSurveyToken(): string {
  return Array.from({ length: 16 }, () => TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)]).join(
    '',
  );
}
/** What a typed code becomes: spaces and hyphens people add are dropped. */
const normaliseToken = (token: string) => token.replace(/[\s-]/g, '');

export function inPopulation(teacher: TeacherWithFacts, population: Population): boolean {
  if (!teacher.active) return false;
  if (population.kind === 'all') return true;
  if (population.kind === 'department')
    return teacher.departmentId !== null && population.departmentIds.includes(teacher.departmentId);
  return hasAttribute(teacher, population.attribute);
}

/** The group a respondent counts in, per dimension of the breakdown. */
function groupsOf(
  teacher: TeacherWithFacts,
  merged: ReadonlySet<string>,
): Record<Dimension, string> {
  const department =
    teacher.departmentId && !merged.has(teacher.departmentId) ? teacher.departmentId : 'other';
  const flag = (attribute: TeacherAttribute) => (hasAttribute(teacher, attribute) ? 'yes' : 'no');
  return {
    department,
    young: flag('young'),
    returned_overseas: flag('returned_overseas'),
    party_member: flag('party_member'),
    non_party_representative: flag('non_party_representative'),
    full_time: flag('full_time'),
    management: flag('management'),
  };
}

function shuffled<T>(values: readonly T[]): T[] {
  const copy = [...values];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

export function createSurveyService({
  db,
  clock,
  config,
  mailer,
  secrets,
}: {
  db: Database;
  clock: Clock;
  config: Pick<AppConfig, 'publicUrl'>;
  mailer: Mailer | null;
  secrets: SecretBox;
}) {
  const linkOf = (token: string) => `${config.publicUrl}/s#${token}`;
  const bound = (surveyId: string, teacherId: string) => `survey:${surveyId}:${teacherId}`;

  async function requireSurvey(executor: Executor, actor: Actor, id: string): Promise<SurveyRow> {
    const [row] = await executor
      .select()
      .from(surveys)
      .where(and(eq(surveys.organizationId, actor.organizationId), eq(surveys.id, id)));
    if (!row) throw new AppError('survey.not_found');
    return row;
  }

  async function countsOf(executor: Executor, surveyIds: string[]) {
    if (surveyIds.length === 0) return new Map<string, { invited: number; responded: number }>();
    const rows = await executor
      .select({
        surveyId: surveyInvitations.surveyId,
        invited: sql<number>`count(*)::int`,
        responded: sql<number>`count(*) filter (where ${surveyInvitations.responded})::int`,
      })
      .from(surveyInvitations)
      .where(inArray(surveyInvitations.surveyId, surveyIds))
      .groupBy(surveyInvitations.surveyId);
    return new Map(rows.map((row) => [row.surveyId, row]));
  }

  function viewOf(row: SurveyRow, counts?: { invited: number; responded: number }): SurveyView {
    return {
      id: row.id,
      title: row.title,
      intro: row.intro,
      itemNos: row.itemNos,
      year: row.year,
      status: row.status,
      questionnaire: row.questionnaire,
      population: row.population,
      threshold: row.threshold,
      openedOn: row.openedOn,
      closedOn: row.closedOn,
      invited: counts?.invited ?? 0,
      responded: counts?.responded ?? 0,
      version: row.version,
    };
  }

  function checkQuestionnaire(input: SurveyInput) {
    const problems = questionnaireProblems(input.questionnaire);
    if (problems.length > 0)
      throw new AppError('survey.invalid_questions', { detail: problems.join('；') });
  }

  async function sendLink(
    teacher: TeacherWithFacts,
    survey: SurveyRow,
    token: string,
    reminder: boolean,
  ) {
    if (!mailer || !teacher.email) return false;
    await mailer.send({
      to: teacher.email,
      subject: `${reminder ? '【提醒】' : ''}${survey.title}`,
      text: `${teacher.name}老师：\n\n学校正在开展“${survey.title}”，问卷匿名填写，答案不与您的身份关联。请用手机或电脑打开下面的个人链接作答（链接仅限本人使用一次）：\n\n${linkOf(token)}\n\n也可以扫描海报上的二维码，输入个人作答码：${token}\n`,
    });
    return true;
  }

  /** The results of a survey, refused below its threshold (whole, and group by group). */
  async function resultsOf(
    executor: Executor,
    survey: SurveyRow,
    dimension?: Dimension,
  ): Promise<SurveyResults> {
    const responses = await executor
      .select({ answers: surveyResponses.answers })
      .from(surveyResponses)
      .where(eq(surveyResponses.surveyId, survey.id));
    if (responses.length < survey.threshold)
      throw new AppError('survey.below_threshold', { threshold: survey.threshold });
    const counts = (await countsOf(executor, [survey.id])).get(survey.id);
    const questions = tallyAnswers(
      survey.questionnaire,
      responses.map((row) => row.answers),
    ).map((tally) => ({ ...tally, texts: shuffled(tally.texts) }));
    const favourable = overallFavourable(questions);
    let breakdown: SurveyResults['breakdown'] = null;
    if (dimension) {
      const tallies = await executor
        .select()
        .from(surveyTallies)
        .where(and(eq(surveyTallies.surveyId, survey.id), eq(surveyTallies.dimension, dimension)));
      const departmentNames = new Map(
        (await listDepartments(executor, survey.organizationId)).map((d) => [d.id, d.name]),
      );
      const keys = [...new Set(tallies.map((row) => row.groupKey))];
      const sizes = keys.map((key) => ({
        key,
        responses: tallies.find((row) => row.groupKey === key && row.questionId === '')?.count ?? 0,
      }));
      const hidden = suppressGroups(sizes, survey.threshold);
      const nameOf = (key: string) =>
        dimension === 'department'
          ? key === 'other'
            ? '其他'
            : (departmentNames.get(key) ?? key)
          : key === 'yes'
            ? '是'
            : '否';
      breakdown = {
        dimension,
        groups: sizes
          .sort(
            (a, b) =>
              Number(a.key === 'other') - Number(b.key === 'other') ||
              compareChinese(nameOf(a.key), nameOf(b.key)),
          )
          .map(({ key, responses: size }) => {
            if (hidden.has(key))
              return { key, name: nameOf(key), responses: null, hidden: true, questions: [] };
            const of = tallies.filter((row) => row.groupKey === key);
            return {
              key,
              name: nameOf(key),
              responses: size,
              hidden: false,
              questions: questionsOf(survey.questionnaire)
                .filter((question) => question.kind !== 'text')
                .map((question) => {
                  const mine = of.filter((row) => row.questionId === question.id);
                  const meanOf = (rowIndex: number) => {
                    const cells = mine.filter((row) => row.row === rowIndex);
                    const n = cells.reduce((sum, row) => sum + row.count, 0);
                    return n === 0
                      ? null
                      : Math.round(
                          (cells.reduce((sum, row) => sum + row.value * row.count, 0) / n) * 10,
                        ) / 10;
                  };
                  const optionCounts =
                    question.kind === 'single' || question.kind === 'multiple'
                      ? question.options.map(
                          (_, option) =>
                            mine.find((row) => row.row === -1 && row.value === option)?.count ?? 0,
                        )
                      : [];
                  return {
                    id: question.id,
                    mean: question.kind === 'rating' ? meanOf(-1) : null,
                    counts: optionCounts,
                    rowMeans:
                      question.kind === 'matrix'
                        ? question.rows.map((_, index) => meanOf(index))
                        : [],
                  };
                }),
            };
          }),
      };
    }
    return {
      surveyId: survey.id,
      threshold: survey.threshold,
      responses: responses.length,
      invited: counts?.invited ?? 0,
      responseRate: percent(counts?.responded ?? 0, counts?.invited ?? 0),
      favourable: { ...favourable, value: percent(favourable.numerator, favourable.denominator) },
      questions,
      breakdown,
    };
  }

  return {
    templates() {
      return { templates: surveyTemplates.map((template) => ({ ...template })) };
    },

    async list(actor: Actor): Promise<SurveyView[]> {
      const rows = await db
        .select()
        .from(surveys)
        .where(eq(surveys.organizationId, actor.organizationId))
        .orderBy(asc(surveys.createdAt));
      const counts = await countsOf(
        db,
        rows.map((row) => row.id),
      );
      return rows.map((row) => viewOf(row, counts.get(row.id)));
    },

    async get(actor: Actor, id: string): Promise<SurveyView> {
      const row = await requireSurvey(db, actor, id);
      return viewOf(row, (await countsOf(db, [id])).get(id));
    },

    async create(actor: Actor, input: SurveyInput): Promise<SurveyView> {
      checkQuestionnaire(input);
      return db.transaction(async (tx) => {
        const now = clock.now();
        const [row] = await tx
          .insert(surveys)
          .values({
            organizationId: actor.organizationId,
            ...input,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        await recordAudit(tx, clock, actor, {
          action: 'survey.create',
          entityType: 'survey',
          entityId: row!.id,
          after: { title: input.title, itemNos: input.itemNos },
        });
        return viewOf(row!);
      });
    },

    async update(actor: Actor, id: string, input: UpdateInput): Promise<SurveyView> {
      checkQuestionnaire(input);
      return db.transaction(async (tx) => {
        const current = await requireSurvey(tx, actor, id);
        if (current.status !== 'draft') throw new AppError('survey.not_draft');
        if (current.version !== input.version)
          throw new AppError('survey.version_conflict', {}, [], viewOf(current));
        const { version: _seen, ...fields } = input;
        const [row] = await tx
          .update(surveys)
          .set({ ...fields, version: current.version + 1, updatedAt: clock.now() })
          .where(eq(surveys.id, id))
          .returning();
        await recordAudit(tx, clock, actor, {
          action: 'survey.update',
          entityType: 'survey',
          entityId: id,
          before: { title: current.title },
          after: { title: input.title },
        });
        return viewOf(row!);
      });
    },

    /** Sends the survey: one invitation (a personal token) per active teacher of its population. */
    async open(actor: Actor, id: string) {
      const now = clock.now();
      const { survey, invited } = await db.transaction(async (tx) => {
        const survey = await requireSurvey(tx, actor, id);
        if (survey.status !== 'draft') throw new AppError('survey.not_draft');
        const population = (await teachersWithFacts(tx, actor.organizationId, now)).filter(
          (teacher) => inPopulation(teacher, survey.population),
        );
        if (population.length === 0) throw new AppError('survey.empty_population');
        const { resultThreshold } = await readRosterSettings(tx, actor.organizationId);
        const perDepartment = new Map<string, number>();
        for (const teacher of population)
          if (teacher.departmentId)
            perDepartment.set(
              teacher.departmentId,
              (perDepartment.get(teacher.departmentId) ?? 0) + 1,
            );
        const merged = [...perDepartment].filter(([, n]) => n < resultThreshold).map(([d]) => d);
        const invited: { teacher: TeacherWithFacts; token: string }[] = [];
        const rows = [];
        for (const teacher of shuffled(population)) {
          const token = newSurveyToken();
          invited.push({ teacher, token });
          rows.push({
            surveyId: survey.id,
            organizationId: actor.organizationId,
            teacherId: teacher.id,
            tokenHash: sha256(token),
            sealedToken: await secrets.seal(token, bound(survey.id, teacher.id)),
          });
        }
        for (let start = 0; start < rows.length; start += 1000)
          await tx.insert(surveyInvitations).values(rows.slice(start, start + 1000));
        const [opened] = await tx
          .update(surveys)
          .set({
            status: 'open',
            threshold: resultThreshold,
            mergedDepartments: merged,
            openedOn: calendarDate(now),
            version: survey.version + 1,
            updatedAt: now,
          })
          .where(eq(surveys.id, survey.id))
          .returning();
        await recordAudit(tx, clock, actor, {
          action: 'survey.open',
          entityType: 'survey',
          entityId: survey.id,
          after: { invited: rows.length, threshold: resultThreshold },
        });
        return { survey: opened!, invited };
      });
      let emailed = 0;
      for (const { teacher, token } of invited)
        if (await sendLink(teacher, survey, token, false).catch(() => false)) emailed++;
      return { invited: invited.length, emailed, withoutEmail: invited.length - emailed };
    },

    /** Reminds those who have not answered, with the same personal link. */
    async remind(actor: Actor, id: string) {
      const survey = await requireSurvey(db, actor, id);
      if (survey.status !== 'open') throw new AppError('survey.not_open');
      const pending = await db
        .select()
        .from(surveyInvitations)
        .where(and(eq(surveyInvitations.surveyId, id), eq(surveyInvitations.responded, false)));
      const byId = new Map(
        (await teachersWithFacts(db, actor.organizationId, clock.now(), { activeOnly: false })).map(
          (teacher) => [teacher.id, teacher],
        ),
      );
      let emailed = 0;
      for (const invitation of pending) {
        const teacher = byId.get(invitation.teacherId);
        if (!teacher || !invitation.sealedToken) continue;
        const token = await secrets.open(invitation.sealedToken, bound(id, teacher.id));
        if (await sendLink(teacher, survey, token, true).catch(() => false)) emailed++;
      }
      await db.transaction(async (tx) => {
        await tx
          .update(surveyInvitations)
          .set({ reminders: sql`${surveyInvitations.reminders} + 1` })
          .where(and(eq(surveyInvitations.surveyId, id), eq(surveyInvitations.responded, false)));
        await recordAudit(tx, clock, actor, {
          action: 'survey.remind',
          entityType: 'survey',
          entityId: id,
          after: { reminded: pending.length, emailed },
        });
      });
      return { reminded: pending.length, emailed, withoutEmail: pending.length - emailed };
    },

    /** The personal links of those who have not answered (for WeCom or print), once per request. */
    async pendingLinks(actor: Actor, id: string) {
      const survey = await requireSurvey(db, actor, id);
      if (survey.status !== 'open') throw new AppError('survey.not_open');
      const pending = await db
        .select()
        .from(surveyInvitations)
        .where(and(eq(surveyInvitations.surveyId, id), eq(surveyInvitations.responded, false)));
      const names = new Map(
        (await listDepartments(db, actor.organizationId)).map((d) => [d.id, d.name]),
      );
      const people = new Map(
        (
          await db.select().from(teachers).where(eq(teachers.organizationId, actor.organizationId))
        ).map((teacher) => [teacher.id, teacher]),
      );
      const rows = [];
      for (const invitation of pending) {
        const teacher = people.get(invitation.teacherId);
        if (!teacher || !invitation.sealedToken) continue;
        const token = await secrets.open(invitation.sealedToken, bound(id, teacher.id));
        rows.push({
          workNo: teacher.workNo,
          name: teacher.name,
          department: teacher.departmentId
            ? (names.get(teacher.departmentId) ?? '')
            : (teacher.departmentName ?? ''),
          code: token,
          link: linkOf(token),
        });
      }
      rows.sort(
        (a, b) => compareChinese(a.department, b.department) || a.workNo.localeCompare(b.workNo),
      );
      return { survey, rows };
    },

    async close(actor: Actor, id: string): Promise<SurveyView> {
      return db.transaction(async (tx) => {
        const survey = await requireSurvey(tx, actor, id);
        if (survey.status !== 'open') throw new AppError('survey.not_open');
        // no one can answer any more: every remaining token is forgotten
        await tx
          .update(surveyInvitations)
          .set({ tokenHash: null, sealedToken: null })
          .where(eq(surveyInvitations.surveyId, id));
        const [row] = await tx
          .update(surveys)
          .set({
            status: 'closed',
            closedOn: calendarDate(clock.now()),
            version: survey.version + 1,
            updatedAt: clock.now(),
          })
          .where(eq(surveys.id, id))
          .returning();
        await recordAudit(tx, clock, actor, {
          action: 'survey.close',
          entityType: 'survey',
          entityId: id,
        });
        return viewOf(row!, (await countsOf(tx, [id])).get(id));
      });
    },

    async progress(actor: Actor, id: string) {
      const survey = await requireSurvey(db, actor, id);
      const rows = await db
        .select({
          departmentId: teachers.departmentId,
          invited: sql<number>`count(*)::int`,
          responded: sql<number>`count(*) filter (where ${surveyInvitations.responded})::int`,
        })
        .from(surveyInvitations)
        .innerJoin(teachers, eq(teachers.id, surveyInvitations.teacherId))
        .where(eq(surveyInvitations.surveyId, survey.id))
        .groupBy(teachers.departmentId);
      const names = new Map(
        (await listDepartments(db, actor.organizationId)).map((d) => [d.id, d.name]),
      );
      const invited = rows.reduce((sum, row) => sum + row.invited, 0);
      const responded = rows.reduce((sum, row) => sum + row.responded, 0);
      return {
        invited,
        responded,
        rate: percent(responded, invited),
        byDepartment: rows
          .map((row) => ({
            departmentId: row.departmentId,
            name: row.departmentId ? (names.get(row.departmentId) ?? '') : '未匹配部门',
            invited: row.invited,
            responded: row.responded,
            rate: percent(row.responded, row.invited),
          }))
          .sort((a, b) => compareChinese(a.name, b.name)),
      };
    },

    async results(actor: Actor, id: string, dimension?: Dimension): Promise<SurveyResults> {
      return resultsOf(db, await requireSurvey(db, actor, id), dimension);
    },

    /** Everything the .xlsx export and the 调研报告 draft show (refused below the threshold). */
    async document(actor: Actor, id: string): Promise<SurveyDocument> {
      const survey = await requireSurvey(db, actor, id);
      const results = await resultsOf(db, survey);
      const answers = shuffled(
        (
          await db
            .select({ answers: surveyResponses.answers })
            .from(surveyResponses)
            .where(eq(surveyResponses.surveyId, id))
        ).map((row) => row.answers),
      );
      const labels: Record<Dimension, string> = {
        department: '部门',
        young: '是否青年教师',
        returned_overseas: '是否海外归国',
        party_member: '是否党员',
        non_party_representative: '是否党外代表人士',
        full_time: '是否专任教师',
        management: '是否管理人员',
      };
      const breakdowns = [];
      for (const dimension of breakdownDimensions)
        breakdowns.push({
          label: labels[dimension],
          results: (await resultsOf(db, survey, dimension)).breakdown,
        });
      const [organization] = await db
        .select({ name: organizations.name })
        .from(organizations)
        .where(eq(organizations.id, actor.organizationId));
      return {
        title: survey.title,
        organizationName: organization?.name ?? '',
        year: survey.year,
        asOf: calendarDate(clock.now()),
        questionnaire: survey.questionnaire,
        results,
        answers,
        breakdowns,
      };
    },

    resultsOf,
    requireSurvey,

    async poster(actor: Actor, id: string) {
      await requireSurvey(db, actor, id);
      const url = `${config.publicUrl}/s`;
      // qrcode is loaded for the posters only, not with the server.
      const { default: QRCode } = await import('qrcode');
      return { url, svg: await QRCode.toString(url, { type: 'svg', margin: 1, width: 240 }) };
    },

    /** The questionnaire for the holder of a personal token (no name, nothing about them). */
    async form(token: string): Promise<SurveyForm> {
      const [found] = await db
        .select({ survey: surveys })
        .from(surveyInvitations)
        .innerJoin(surveys, eq(surveys.id, surveyInvitations.surveyId))
        .where(eq(surveyInvitations.tokenHash, sha256(normaliseToken(token))));
      if (!found || found.survey.status !== 'open') throw new AppError('survey.link_invalid');
      return {
        title: found.survey.title,
        intro: found.survey.intro,
        questionnaire: found.survey.questionnaire,
      };
    },

    /**
     * One answer: the token proves eligibility once and is forgotten in the same transaction; the
     * answer goes to a row of its own with nothing of the person; the breakdown's counters grow by
     * one per dimension; and every row of the survey is rewritten so that none carries a
     * transaction id of its own (xmin) that would pair the new answer with the new respondent.
     */
    async answer(token: string, answers: Answers): Promise<void> {
      const hash = sha256(normaliseToken(token));
      await db.transaction(async (tx) => {
        const [found] = await tx
          .select({ invitation: surveyInvitations, survey: surveys })
          .from(surveyInvitations)
          .innerJoin(surveys, eq(surveys.id, surveyInvitations.surveyId))
          .where(eq(surveyInvitations.tokenHash, hash));
        if (!found || found.survey.status !== 'open') throw new AppError('survey.link_invalid');
        const { survey, invitation } = found;
        const problem = answerProblem(survey.questionnaire, answers);
        if (problem) throw new AppError('survey.answer_invalid', problem);
        // one answer of a survey at a time: the rewrite below touches all its rows
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`survey:${survey.id}`}))`);
        const claimed = await tx
          .update(surveyInvitations)
          .set({ tokenHash: null, sealedToken: null, responded: true })
          .where(and(eq(surveyInvitations.tokenHash, hash), eq(surveyInvitations.responded, false)))
          .returning({ teacherId: surveyInvitations.teacherId });
        if (claimed.length === 0) throw new AppError('survey.link_invalid');
        const [teacher] = (
          await teachersWithFacts(tx, survey.organizationId, clock.now(), { activeOnly: false })
        ).filter((candidate) => candidate.id === invitation.teacherId);
        const kept = Object.fromEntries(
          Object.entries(answers).filter(([, value]) => value !== null && value !== ''),
        );
        await tx.insert(surveyResponses).values({
          surveyId: survey.id,
          organizationId: survey.organizationId,
          answers: kept,
        });
        if (teacher) {
          const groups = groupsOf(teacher, new Set(survey.mergedDepartments));
          const cells: {
            dimension: string;
            groupKey: string;
            questionId: string;
            row: number;
            value: number;
          }[] = [];
          for (const dimension of breakdownDimensions) {
            const groupKey = groups[dimension];
            cells.push({ dimension, groupKey, questionId: '', row: -1, value: -1 });
            for (const question of questionsOf(survey.questionnaire)) {
              const value = kept[question.id];
              if (value === undefined || question.kind === 'text') continue;
              if (question.kind === 'matrix' && Array.isArray(value))
                value.forEach((point, row) => {
                  if (point !== null)
                    cells.push({ dimension, groupKey, questionId: question.id, row, value: point });
                });
              else if (typeof value === 'number')
                cells.push({ dimension, groupKey, questionId: question.id, row: -1, value });
              else if (Array.isArray(value))
                for (const option of value)
                  if (option !== null)
                    cells.push({
                      dimension,
                      groupKey,
                      questionId: question.id,
                      row: -1,
                      value: option,
                    });
            }
          }
          await tx
            .insert(surveyTallies)
            .values(
              cells.map((cell) => ({
                surveyId: survey.id,
                organizationId: survey.organizationId,
                ...cell,
                count: 1,
              })),
            )
            .onConflictDoUpdate({
              target: [
                surveyTallies.surveyId,
                surveyTallies.dimension,
                surveyTallies.groupKey,
                surveyTallies.questionId,
                surveyTallies.row,
                surveyTallies.value,
              ],
              set: { count: sql`${surveyTallies.count} + 1` },
            });
        }
        // every row of the survey rewritten in this transaction: one xmin for them all
        await tx.execute(
          sql`update survey_invitations set reminders = reminders where survey_id = ${survey.id}`,
        );
        await tx.execute(
          sql`update survey_responses set answers = answers where survey_id = ${survey.id}`,
        );
        await tx.execute(
          sql`update survey_tallies set count = count where survey_id = ${survey.id}`,
        );
      });
    },
  };
}

export type SurveyService = ReturnType<typeof createSurveyService>;
