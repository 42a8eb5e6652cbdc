import { z } from 'zod';
import { answersSchema, questionnaireSchema } from '../surveys/questionnaire';
import { teacherAttributeSchema } from './teachers';
import { organizationStaff } from '../access';
import { idParamsSchema } from './contracts';
import { DOCX, XLSX, defineOperation, fileResponse } from './operation';

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

export const surveysApi = {
  list: defineOperation({
    id: 'surveys.list',
    method: 'GET',
    path: '/api/v1/surveys',
    tags: ['surveys'],
    response: surveyListSchema,
    access: ['admin', 'coordinator', 'leader'],
  }),
  templates: defineOperation({
    id: 'surveys.templates',
    method: 'GET',
    path: '/api/v1/surveys/templates',
    tags: ['surveys'],
    description:
      'The questionnaires Luoshi ships for items 43 (满意度测评) and 52 (思想政治状况调研).',
    response: surveyTemplateListSchema,
    access: organizationStaff,
  }),
  create: defineOperation({
    id: 'surveys.create',
    method: 'POST',
    path: '/api/v1/surveys',
    tags: ['surveys'],
    body: surveyBodySchema,
    response: surveyViewSchema,
    status: 201,
    access: organizationStaff,
  }),
  get: defineOperation({
    id: 'surveys.get',
    method: 'GET',
    path: '/api/v1/surveys/:id',
    tags: ['surveys'],
    params: idParamsSchema,
    response: surveyViewSchema,
    access: ['admin', 'coordinator', 'leader'],
  }),
  update: defineOperation({
    id: 'surveys.update',
    method: 'PUT',
    path: '/api/v1/surveys/:id',
    tags: ['surveys'],
    description: 'Changes a draft (its questions are fixed once it is sent).',
    params: idParamsSchema,
    body: updateSurveyBodySchema,
    response: surveyViewSchema,
    access: organizationStaff,
  }),
  open: defineOperation({
    id: 'surveys.open',
    method: 'POST',
    path: '/api/v1/surveys/:id/open',
    tags: ['surveys'],
    description:
      'Sends the survey: one personal link per active teacher of its population (e-mailed when the teacher has an address and e-mail is configured).',
    params: idParamsSchema,
    response: openSurveyResultSchema,
    access: organizationStaff,
  }),
  remind: defineOperation({
    id: 'surveys.remind',
    method: 'POST',
    path: '/api/v1/surveys/:id/remind',
    tags: ['surveys'],
    params: idParamsSchema,
    response: openSurveyResultSchema.omit({ invited: true }).extend({ reminded: z.number().int() }),
    access: organizationStaff,
  }),
  close: defineOperation({
    id: 'surveys.close',
    method: 'POST',
    path: '/api/v1/surveys/:id/close',
    tags: ['surveys'],
    params: idParamsSchema,
    response: surveyViewSchema,
    access: organizationStaff,
  }),
  progress: defineOperation({
    id: 'surveys.progress',
    method: 'GET',
    path: '/api/v1/surveys/:id/progress',
    tags: ['surveys'],
    description: 'Who has answered, counted (never which answer is whose).',
    params: idParamsSchema,
    response: surveyProgressSchema,
    access: ['admin', 'coordinator', 'leader'],
  }),
  results: defineOperation({
    id: 'surveys.results',
    method: 'GET',
    path: '/api/v1/surveys/:id/results',
    tags: ['surveys'],
    description:
      'Results per question, and a breakdown by one dimension: refused (survey.below_threshold) below the threshold; groups below it are hidden.',
    params: idParamsSchema,
    query: resultsQuerySchema,
    response: surveyResultsSchema,
    access: ['admin', 'coordinator', 'leader'],
  }),
  exportResults: defineOperation({
    id: 'surveys.exportResults',
    method: 'GET',
    path: '/api/v1/surveys/:id/results.xlsx',
    tags: ['surveys'],
    params: idParamsSchema,
    response: fileResponse,
    produces: [XLSX],
    access: ['admin', 'coordinator', 'leader'],
  }),
  reportDocx: defineOperation({
    id: 'surveys.reportDocx',
    method: 'GET',
    path: '/api/v1/surveys/:id/report.docx',
    tags: ['surveys'],
    params: idParamsSchema,
    response: fileResponse,
    produces: [DOCX],
    access: organizationStaff,
  }),
  links: defineOperation({
    id: 'surveys.links',
    method: 'GET',
    path: '/api/v1/surveys/:id/links.xlsx',
    tags: ['surveys'],
    description:
      'The personal links of those who have not answered yet, to send by WeCom or print.',
    params: idParamsSchema,
    response: fileResponse,
    produces: [XLSX],
    access: organizationStaff,
  }),
  poster: defineOperation({
    id: 'surveys.poster',
    method: 'GET',
    path: '/api/v1/surveys/:id/poster',
    tags: ['surveys'],
    description:
      'The QR code (SVG) of the answering page for a poster; each teacher types their personal code there.',
    params: idParamsSchema,
    response: surveyPosterSchema,
    access: organizationStaff,
  }),
  form: defineOperation({
    id: 'surveys.form',
    method: 'POST',
    path: '/api/v1/public/survey-form',
    tags: ['surveys'],
    body: surveyTokenBodySchema,
    response: surveyFormSchema,
    access: 'public',
  }),
  answer: defineOperation({
    id: 'surveys.answer',
    method: 'POST',
    path: '/api/v1/public/survey-answer',
    tags: ['surveys'],
    description:
      'One anonymous answer: the token is checked once, then forgotten; nothing of the person is kept with the answer.',
    body: surveyAnswerBodySchema,
    response: z.null(),
    status: 204,
    access: 'public',
  }),
};
