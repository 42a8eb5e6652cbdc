import { DOCX, XLSX } from '../../../shared/api/operation';
import { attachment } from '../../http/attachment';
import { route } from '../../http/route';
import { surveysApi } from '../../../shared/api/surveys';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { writeDocument } from '../../io/document-writer-pool';
import type { SurveyService } from './survey.service';

export function registerSurveyRoutes(app: ApiInstance, surveys: SurveyService) {
  route(app, surveysApi.list, async (request) => ({
    surveys: await surveys.list(actorOf(request)),
  }));
  route(app, surveysApi.templates, async () => surveys.templates());
  route(app, surveysApi.create, async (request) => surveys.create(actorOf(request), request.body));
  route(app, surveysApi.get, async (request) => surveys.get(actorOf(request), request.params.id));
  route(app, surveysApi.update, async (request) =>
    surveys.update(actorOf(request), request.params.id, request.body),
  );
  route(app, surveysApi.open, async (request) => surveys.open(actorOf(request), request.params.id));
  route(app, surveysApi.remind, async (request) =>
    surveys.remind(actorOf(request), request.params.id),
  );
  route(app, surveysApi.close, async (request) =>
    surveys.close(actorOf(request), request.params.id),
  );
  route(app, surveysApi.progress, async (request) =>
    surveys.progress(actorOf(request), request.params.id),
  );
  route(app, surveysApi.results, async (request) =>
    surveys.results(actorOf(request), request.params.id, request.query.dimension),
  );
  route(app, surveysApi.exportResults, async (request, reply) => {
    const document = await surveys.document(actorOf(request), request.params.id);
    return reply
      .type(XLSX)
      .header(
        'content-disposition',
        attachment(`${document.title}-结果.xlsx`, 'survey-results.xlsx'),
      )
      .send(await writeDocument('surveyResultsXlsx', document));
  });
  route(app, surveysApi.reportDocx, async (request, reply) => {
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
      .send(await writeDocument('surveyReportDocx', document));
  });
  route(app, surveysApi.links, async (request, reply) => {
    const { survey, rows } = await surveys.pendingLinks(actorOf(request), request.params.id);
    return reply
      .type(XLSX)
      .header('cache-control', 'no-store')
      .header(
        'content-disposition',
        attachment(`${survey.title}-个人链接.xlsx`, 'survey-links.xlsx'),
      )
      .send(await writeDocument('surveyLinksXlsx', survey.title, rows));
  });
  route(app, surveysApi.poster, async (request) =>
    surveys.poster(actorOf(request), request.params.id),
  );

  // answering without signing in: the personal token is the credential, sent in the body
  route(app, surveysApi.form, async (request, reply) =>
    reply.header('cache-control', 'no-store').send(await surveys.form(request.body.token)),
  );
  route(app, surveysApi.answer, async (request, reply) => {
    await surveys.answer(request.body.token, request.body.answers);
    return reply.code(204).send(null);
  });
}
