import type { FastifyInstance } from 'fastify';
import { exportOperations } from '../../../shared/audit/audit-actions';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import { attachmentFileName } from '../../http/attachment';
import { auditedActors, recordAudit } from './audit.service';

function idOf(params: unknown): string | null {
  const id = (params as Record<string, unknown> | undefined)?.id;
  return typeof id === 'string' ? id : null;
}

/**
 * What the audit log records of every request, generically, in onSend (before the answer goes
 * out: when the entry cannot be written, the answer is not sent):
 * - every file that leaves the server: one `export` entry per successful answer of an operation in
 *   `exportOperations`, or of any answer sent as an attachment;
 * - every successful write (POST, PUT, PATCH, DELETE) of a signed-in user that its service did not
 *   record itself: a `write` entry naming the operation, so that no write goes unrecorded.
 */
export function installAuditHooks(app: FastifyInstance, db: Database, clock: Clock): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.signedIn || reply.statusCode < 200 || reply.statusCode >= 300) return payload;
    const operationId = request.routeOptions.config.operationId;
    const actor = request.signedIn.actor;
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      if (!auditedActors.has(actor)) {
        await recordAudit(db, clock, actor, {
          action: 'write',
          entityType: operationId ?? 'request',
          entityId: idOf(request.params),
          after: {
            operation: operationId ?? null,
            method: request.method,
            url: request.url.slice(0, 1000),
            status: reply.statusCode,
          },
        });
      }
      return payload;
    }
    if (reply.statusCode !== 200) return payload;
    const disposition = String(reply.getHeader('content-disposition') ?? '');
    const listed = operationId !== undefined && exportOperations.includes(operationId);
    if (!listed && !disposition.startsWith('attachment')) return payload;
    const fileName = attachmentFileName(disposition);
    const length =
      reply.getHeader('content-length') ??
      (Buffer.isBuffer(payload)
        ? payload.length
        : typeof payload === 'string'
          ? Buffer.byteLength(payload)
          : null);
    await recordAudit(db, clock, actor, {
      action: 'export',
      entityType: operationId ?? 'file',
      entityId: idOf(request.params),
      after: {
        operation: operationId ?? null,
        url: request.url.slice(0, 1000),
        fileName,
        bytes: length === null ? null : Number(length),
      },
    });
    return payload;
  });
}
