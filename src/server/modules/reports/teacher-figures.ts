import { and, eq } from 'drizzle-orm';
import { percent } from '../../../shared/report/build-quality-report';
import type { TeacherFigure } from '../../../shared/report/quality-report.contract';
import { overallFavourable, tallyAnswers } from '../../../shared/surveys/questionnaire';
import type { Executor } from '../../db/client';
import { readTogether } from '../../db/read-together';
import { computeOrganizationCoverage } from '../activities/activity.service';
import {
  beijingYearBounds,
  countReportsByYear,
} from '../conduct-reports/conduct-report.repository';
import { satisfactionResults } from '../satisfaction/satisfaction.table';
import { surveyInvitations, surveyResponses, surveys } from '../surveys/survey.table';

/** The day coverage is counted as of for a plan's year: the report's day, at most 31 December. */
export const coverageDayOf = (year: number, asOf: string) =>
  asOf < `${year}-12-31` ? asOf : `${year}-12-31`;

/**
 * The figures the quality report counts per teacher, for the plan's year as of a day: each survey
 * of the year (its response rate, and its favourable share when at least its threshold answered),
 * each coverage rule, each third-party result.
 */
export async function gatherTeacherFigures(
  executor: Executor,
  organizationId: string,
  year: number,
  asOf: string,
  now: Date,
): Promise<TeacherFigure[]> {
  // The four kinds of figure read side by side (one after another in a transaction), then
  // listed in this order before the sort by item, which keeps it within an item.
  const kinds = await readTogether(executor, [
    // Each survey of the year: its response rate and favourable share.
    async () => {
      const figures: TeacherFigure[] = [];
      const ofYear = await executor
        .select()
        .from(surveys)
        .where(and(eq(surveys.organizationId, organizationId), eq(surveys.year, year)));
      for (const survey of ofYear.filter((row) => row.status !== 'draft')) {
        const invitations = await executor
          .select({ responded: surveyInvitations.responded })
          .from(surveyInvitations)
          .where(eq(surveyInvitations.surveyId, survey.id));
        const responded = invitations.filter((row) => row.responded).length;
        const ref = { page: 'surveys' as const, filters: { survey: survey.id } };
        // The answers and their tally once per survey, however many items it is counted under.
        const answers = await executor
          .select({ answers: surveyResponses.answers })
          .from(surveyResponses)
          .where(eq(surveyResponses.surveyId, survey.id));
        const enough = answers.length >= survey.threshold;
        const favourable = enough
          ? overallFavourable(
              tallyAnswers(
                survey.questionnaire,
                answers.map((row) => row.answers),
              ),
            )
          : null;
        for (const itemNo of survey.itemNos.length > 0 ? survey.itemNos : [null]) {
          figures.push({
            itemNo,
            kind: 'survey_response',
            label: `${survey.title}：回收率`,
            value: percent(responded, invitations.length),
            numerator: responded,
            denominator: invitations.length,
            detail: `发放${invitations.length}人，作答${responded}人`,
            ref,
          });
          figures.push({
            itemNo,
            kind: 'survey_favourable',
            label: `${survey.title}：满意（赞同）度`,
            value: favourable ? percent(favourable.numerator, favourable.denominator) : null,
            numerator: favourable?.numerator ?? null,
            denominator: favourable?.denominator ?? null,
            detail: enough ? '按各量表最高两档计' : `作答不足${survey.threshold}人，不计算`,
            ref,
          });
        }
      }
      return figures;
    },
    // Each coverage rule.
    async () => {
      const figures: TeacherFigure[] = [];
      const day = coverageDayOf(year, asOf);
      for (const { rule, institution, window } of await computeOrganizationCoverage(
        executor,
        organizationId,
        day,
        now,
      ))
        figures.push({
          itemNo: rule.itemNo,
          kind: 'coverage',
          label: rule.name,
          value: percent(institution.covered, institution.required),
          numerator: institution.covered,
          denominator: institution.required,
          detail: `${window.from} 至 ${window.to}`,
          ref: { page: 'activities', filters: { rule: rule.id } },
        });
      return figures;
    },
    // Each third-party result.
    async () => {
      const figures: TeacherFigure[] = [];
      const third = await executor
        .select()
        .from(satisfactionResults)
        .where(
          and(
            eq(satisfactionResults.organizationId, organizationId),
            eq(satisfactionResults.year, year),
          ),
        );
      for (const result of third)
        figures.push({
          itemNo: result.itemNo,
          kind: 'third_party',
          label: `第三方测评（${result.source}）`,
          value: result.value,
          numerator: null,
          denominator: result.sample,
          detail: result.sample ? `样本${result.sample}人` : '',
          ref: {
            page: 'satisfaction',
            filters: { year: String(year), item: String(result.itemNo) },
          },
        });
      return figures;
    },
    // Item 26: the conduct reports handled on time.
    async () => {
      const figures: TeacherFigure[] = [];
      // Item 26 (师德师风监督举报): counts only; no teacher, reporter or report text ever reaches the report.
      const { start, end } = beijingYearBounds(year);
      const conduct = await countReportsByYear(executor, organizationId, start, end);
      if (conduct.received > 0)
        figures.push({
          itemNo: 26,
          kind: 'conduct_reports',
          label: '师德师风监督举报：按时办结率',
          value: percent(conduct.handledOnTime, conduct.closed),
          numerator: conduct.handledOnTime,
          denominator: conduct.closed,
          detail:
            `受理${conduct.received}件，办结${conduct.closed}件；` +
            `属实${conduct.founded}件、部分属实${conduct.partly}件、不属实${conduct.unfounded}件；` +
            `澄清${conduct.clarified}件，通报${conduct.notified}件`,
          ref: { page: 'conductCases', filters: {} },
        });
      return figures;
    },
  ]);
  return kinds.flat().sort((a, b) => (a.itemNo ?? 999) - (b.itemNo ?? 999));
}
