import { evidenceApi } from '../../../shared/api/evidence';
import { asciiStandIn, attachment } from '../../http/attachment';
import { route } from '../../http/route';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { readUpload } from '../../http/upload';
import type { EvidenceService } from './evidence.service';

export function registerEvidenceRoutes(app: ApiInstance, evidence: EvidenceService) {
  route(app, evidenceApi.upload, async (request) =>
    evidence.upload(actorOf(request), await readUpload(request), request.query),
  );

  route(app, evidenceApi.createLink, async (request) =>
    evidence.createLink(actorOf(request), request.body),
  );

  route(app, evidenceApi.list, async (request) => ({
    items: await evidence.list(actorOf(request), request.query.ids),
  }));

  route(
    app,
    evidenceApi.content,
    async (request, reply) => {
      const file = await evidence.content(actorOf(request), request.params.id);
      return reply
        .type(file.mediaType)
        .header(
          'content-disposition',
          attachment(file.fileName, asciiStandIn(file.fileName, 'evidence')),
        )
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .header('content-length', file.sizeBytes)
        .send(file.body);
    },
    {
      // After the app-wide security headers: this answer is a stranger's file, never a page of ours.
      onSend: async (_request, reply) => {
        if (reply.statusCode === 200)
          reply.header('content-security-policy', "sandbox; default-src 'none'");
      },
    },
  );
}
