import { evidenceApi } from '../../../shared/api/evidence';
import { attachment } from '../../http/attachment';
import { route } from '../../http/route';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { readUpload } from '../../http/upload';
import type { EvidenceService } from './evidence.service';

/** A plain ASCII stand-in for clients that do not read filename*. */
function asciiFallback(fileName: string): string {
  const extension = /\.[A-Za-z0-9]{1,5}$/.exec(fileName)?.[0] ?? '';
  const stem = fileName.slice(0, fileName.length - extension.length);
  return `${/^[A-Za-z0-9._ -]{1,100}$/.test(stem) ? stem : 'evidence'}${extension}`;
}

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
        .header('content-disposition', attachment(file.fileName, asciiFallback(file.fileName)))
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
