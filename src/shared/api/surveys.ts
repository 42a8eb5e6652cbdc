import { z } from 'zod';
import { answersSchema, questionnaireSchema } from '../surveys/questionnaire';
import { teacherAttributeSchema } from './teachers';

export const surveyStatuses = ['draft', 'open', 'closed'] as const;

/** Who is asked: every active teacher, some departments', or those with one attribute. */
export const populationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('department'), departmentIds: z.array(z.uuid()).min(1).max(200) }),
  z.object({ kind: z.literal('attribute'), attribute: teacherAttributeSchema }),
]);
export type Population = z.infer<typeof populationSchema>;

export const surveyBodySchema = z.object({
  title: z.string().trim().min(1).max(200),
  intro: z.string().max(2000).default(''),
  /** The standard's items the survey serves (43, 52): its figures enter the quality report there. */
  itemNos: z.array(z.number().int().min(1).max(999)).max(5).default([]),
  year: z.number().int().min(2000).max(2100),
  questionnaire: questionnaireSchema,
  population: populationSchema,
});
export const updateSurveyBodySchema = surveyBodySchema.extend({ version: z.number().int() });

export const surveyViewSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  intro: z.string(),
  itemNos: z.array(z.number().int()),
  year: z.number().int(),
  status: z.enum(surveyStatuses),
  questionnaire: questionnaireSchema,
  population: populationSchema,
  threshold: z.number().int(),
  openedOn: z.string().nullable(),
  closedOn: z.string().nullable(),
  invited: z.number().int(),
  responded: z.number().int(),
  version: z.number().int(),
});
export type SurveyView = z.infer<typeof surveyViewSchema>;
export const surveyListSchema = z.object({ surveys: z.array(surveyViewSchema) });

export const surveyTemplateListSchema = z.object({
  templates: z.array(
    z.object({
      key: z.string(),
      itemNos: z.array(z.number().int()),
      title: z.string(),
      intro: z.string(),
      questionnaire: questionnaireSchema,
    }),
  ),
});

export const openSurveyResultSchema = z.object({
  invited: z.number().int(),
  emailed: z.number().int(),
  withoutEmail: z.number().int(),
});

export const surveyProgressSchema = z.object({
  invited: z.number().int(),
  responded: z.number().int(),
  rate: z.number().nullable(),
  byDepartment: z.array(
    z.object({
      departmentId: z.uuid().nullable(),
      name: z.string(),
      invited: z.number().int(),
      responded: z.number().int(),
      rate: z.number().nullable(),
    }),
  ),
});

export const surveyPosterSchema = z.object({ url: z.string(), svg: z.string() });

const tallySchema = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  answered: z.number().int(),
  counts: z.array(z.number().int()),
  labels: z.array(z.string()),
  mean: z.number().nullable(),
  favourable: z.object({ numerator: z.number().int(), denominator: z.number().int() }).nullable(),
  rows: z.array(
    z.object({ label: z.string(), counts: z.array(z.number().int()), mean: z.number().nullable() }),
  ),
  texts: z.array(z.string()),
});

export const breakdownDimensions = [
  'department',
  'young',
  'returned_overseas',
  'party_member',
  'non_party_representative',
  'full_time',
  'management',
] as const;
export const resultsQuerySchema = z.object({ dimension: z.enum(breakdownDimensions).optional() });

export const surveyResultsSchema = z.object({
  surveyId: z.uuid(),
  threshold: z.number().int(),
  responses: z.number().int(),
  invited: z.number().int(),
  responseRate: z.number().nullable(),
  /** Share of favourable points (the top two of each scale) over every rating and matrix answer. */
  favourable: z.object({
    numerator: z.number().int(),
    denominator: z.number().int(),
    value: z.number().nullable(),
  }),
  questions: z.array(tallySchema),
  breakdown: z
    .object({
      dimension: z.enum(breakdownDimensions),
      groups: z.array(
        z.object({
          key: z.string(),
          name: z.string(),
          /** null when below the threshold: nothing about the group is shown. */
          responses: z.number().int().nullable(),
          hidden: z.boolean(),
          /** per question id: mean of rating / per-row means of matrix, and option counts. */
          questions: z.array(
            z.object({
              id: z.string(),
              mean: z.number().nullable(),
              counts: z.array(z.number().int()),
              rowMeans: z.array(z.number().nullable()),
            }),
          ),
        }),
      ),
    })
    .nullable(),
});
export type SurveyResults = z.infer<typeof surveyResultsSchema>;

// answering, without signing in: the personal token in the body, never in a URL
export const surveyTokenBodySchema = z.object({ token: z.string().min(8).max(40) });
export const surveyFormSchema = z.object({
  title: z.string(),
  intro: z.string(),
  questionnaire: questionnaireSchema,
});
export const surveyAnswerBodySchema = z.object({
  token: z.string().min(8).max(40),
  answers: answersSchema,
});
export type SurveyForm = z.infer<typeof surveyFormSchema>;
