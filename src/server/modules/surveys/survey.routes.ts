import { z } from 'zod';
import { idParamsSchema } from '../../../shared/api/contracts';
import {
  openSurveyResultSchema,
  resultsQuerySchema,
  surveyAnswerBodySchema,
  surveyBodySchema,
  surveyFormSchema,
  surveyListSchema,
  surveyPosterSchema,
  surveyProgressSchema,
  surveyResultsSchema,
  surveyTemplateListSchema,
  surveyTokenBodySchema,
  surveyViewSchema,
  updateSurveyBodySchema,
} from '../../../shared/api/surveys';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import {
  writeSurveyLinksXlsx,
  writeSurveyReportDocx,
  writeSurveyResultsXlsx,
} from '../../io/survey-writers';
import type { SurveyService } from './survey.service';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const attachment = (fileName: string, fallback: string) =>
  `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;

export function registerSurveyRoutes(app: ApiInstance, surveys: SurveyService) {
  app.get(
    '/api/v1/surveys',
    {
      schema: {
        operationId: 'surveys.list',
        tags: ['surveys'],
        response: { 200: surveyListSchema },
      },
    },
    async (request) => ({ surveys: await surveys.list(actorOf(request)) }),
  );
  app.get(
    '/api/v1/surveys/templates',
    {
      schema: {
        operationId: 'surveys.templates',
        tags: ['surveys'],
        description:
          'The questionnaires Luoshi ships for items 43 (满意度测评) and 52 (思想政治状况调研).',
        response: { 200: surveyTemplateListSchema },
      },
    },
    async () => surveys.templates(),
  );
  app.post(
    '/api/v1/surveys',
    {
      schema: {
        operationId: 'surveys.create',
        tags: ['surveys'],
        body: surveyBodySchema,
        response: { 201: surveyViewSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await surveys.create(actorOf(request), request.body)),
  );
  app.get(
    '/api/v1/surveys/:id',
    {
      schema: {
        operationId: 'surveys.get',
        tags: ['surveys'],
        params: idParamsSchema,
        response: { 200: surveyViewSchema },
      },
    },
    async (request) => surveys.get(actorOf(request), request.params.id),
  );
  app.put(
    '/api/v1/surveys/:id',
    {
      schema: {
        operationId: 'surveys.update',
        tags: ['surveys'],
        description: 'Changes a draft (its questions are fixed once it is sent).',
        params: idParamsSchema,
        body: updateSurveyBodySchema,
        response: { 200: surveyViewSchema },
      },
    },
    async (request) => surveys.update(actorOf(request), request.params.id, request.body),
  );
  app.post(
    '/api/v1/surveys/:id/open',
    {
      schema: {
        operationId: 'surveys.open',
        tags: ['surveys'],
        description:
          'Sends the survey: one personal link per active teacher of its population (e-mailed when the teacher has an address and e-mail is configured).',
        params: idParamsSchema,
        response: { 200: openSurveyResultSchema },
      },
    },
    async (request) => surveys.open(actorOf(request), request.params.id),
  );
  app.post(
    '/api/v1/surveys/:id/remind',
    {
      schema: {
        operationId: 'surveys.remind',
        tags: ['surveys'],
        params: idParamsSchema,
        response: {
          200: openSurveyResultSchema
            .omit({ invited: true })
            .extend({ reminded: z.number().int() }),
        },
      },
    },
    async (request) => surveys.remind(actorOf(request), request.params.id),
  );
  app.post(
    '/api/v1/surveys/:id/close',
    {
      schema: {
        operationId: 'surveys.close',
        tags: ['surveys'],
        params: idParamsSchema,
        response: { 200: surveyViewSchema },
      },
    },
    async (request) => surveys.close(actorOf(request), request.params.id),
  );
  app.get(
    '/api/v1/surveys/:id/progress',
    {
      schema: {
        operationId: 'surveys.progress',
        tags: ['surveys'],
        description: 'Who has answered, counted (never which answer is whose).',
        params: idParamsSchema,
        response: { 200: surveyProgressSchema },
      },
    },
    async (request) => surveys.progress(actorOf(request), request.params.id),
  );
  app.get(
    '/api/v1/surveys/:id/results',
    {
      schema: {
        operationId: 'surveys.results',
        tags: ['surveys'],
        description:
          'Results per question, and a breakdown by one dimension: refused (survey.below_threshold) below the threshold; groups below it are hidden.',
        params: idParamsSchema,
        querystring: resultsQuerySchema,
        response: { 200: surveyResultsSchema },
      },
    },
    async (request) =>
      surveys.results(actorOf(request), request.params.id, request.query.dimension),
  );
  app.get(
    '/api/v1/surveys/:id/results.xlsx',
    { schema: { operationId: 'surveys.exportResults', tags: ['surveys'], params: idParamsSchema } },
    async (request, reply) => {
      const document = await surveys.document(actorOf(request), request.params.id);
      return reply
        .type(XLSX)
        .header(
          'content-disposition',
          attachment(`${document.title}-结果.xlsx`, 'survey-results.xlsx'),
        )
        .send(await writeSurveyResultsXlsx(document));
    },
  );
  app.get(
    '/api/v1/surveys/:id/report.docx',
    { schema: { operationId: 'surveys.reportDocx', tags: ['surveys'], params: idParamsSchema } },
    async (request, reply) => {
      const document = await surveys.document(actorOf(request), request.params.id);
      return reply
        .type(DOCX)
        .header(
          'content-disposition',
          attachment(
            `${document.year}年度教师思想政治状况调研报告（初稿）.docx`,
            'survey-report.docx',
          ),
        )
        .send(await writeSurveyReportDocx(document));
    },
  );
  app.get(
    '/api/v1/surveys/:id/links.xlsx',
    {
      schema: {
        operationId: 'surveys.links',
        tags: ['surveys'],
        description:
          'The personal links of those who have not answered yet, to send by WeCom or print.',
        params: idParamsSchema,
      },
    },
    async (request, reply) => {
      const { survey, rows } = await surveys.pendingLinks(actorOf(request), request.params.id);
      return reply
        .type(XLSX)
        .header('cache-control', 'no-store')
        .header(
          'content-disposition',
          attachment(`${survey.title}-个人链接.xlsx`, 'survey-links.xlsx'),
        )
        .send(await writeSurveyLinksXlsx(survey.title, rows));
    },
  );
  app.get(
    '/api/v1/surveys/:id/poster',
    {
      schema: {
        operationId: 'surveys.poster',
        tags: ['surveys'],
        description:
          'The QR code (SVG) of the answering page for a poster; each teacher types their personal code there.',
        params: idParamsSchema,
        response: { 200: surveyPosterSchema },
      },
    },
    async (request) => surveys.poster(actorOf(request), request.params.id),
  );

  // answering without signing in: the personal token is the credential, sent in the body
  app.post(
    '/api/v1/public/survey-form',
    {
      schema: {
        operationId: 'surveys.form',
        tags: ['surveys'],
        body: surveyTokenBodySchema,
        response: { 200: surveyFormSchema },
      },
    },
    async (request, reply) =>
      reply.header('cache-control', 'no-store').send(await surveys.form(request.body.token)),
  );
  app.post(
    '/api/v1/public/survey-answer',
    {
      schema: {
        operationId: 'surveys.answer',
        tags: ['surveys'],
        description:
          'One anonymous answer: the token is checked once, then forgotten; nothing of the person is kept with the answer.',
        body: surveyAnswerBodySchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await surveys.answer(request.body.token, request.body.answers);
      return reply.code(204).send(null);
    },
  );
}
