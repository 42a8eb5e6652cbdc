import type { FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import {
  isSchemaResponse,
  successStatus,
  type OperationDefinition,
  type ParsedBodyOf,
  type ParsedParamsOf,
  type ParsedQueryOf,
  type ReplyOf,
} from '../../shared/api/operation';
import type { ApiInstance } from './types';

/** The request a handler of this operation receives: params, query and body already parsed. */
export type OperationRequest<D> = FastifyRequest<{
  Params: ParsedParamsOf<D>;
  Querystring: ParsedQueryOf<D>;
  Body: ParsedBodyOf<D>;
}>;

export type OperationHandler<D> = (
  request: OperationRequest<D>,
  reply: FastifyReply,
) => Promise<ReplyOf<D> | FastifyReply>;

/**
 * Registers the handler of one operation from its definition (`shared/api/<feature>.ts`): the
 * method, path and zod schemas are the definition's, the access is checked by
 * `access-control.ts` from the same definition, and the reply's status is the definition's
 * success status unless the handler names another.
 */
export function route<const D extends OperationDefinition>(
  app: ApiInstance,
  definition: D,
  handler: OperationHandler<D>,
  hooks: { onSend?: onSendHookHandler; bodyLimit?: number } = {},
): void {
  const status = successStatus(definition);
  const statuses =
    definition.status === undefined
      ? [200]
      : typeof definition.status === 'number'
        ? [definition.status]
        : definition.status;
  const response = isSchemaResponse(definition.response)
    ? Object.fromEntries(statuses.map((code) => [code, definition.response]))
    : undefined;
  app.route({
    method: definition.method,
    url: definition.path,
    schema: {
      operationId: definition.id,
      ...(definition.tags ? { tags: [...definition.tags] } : {}),
      ...(definition.description ? { description: definition.description } : {}),
      ...(definition.params ? { params: definition.params } : {}),
      ...(definition.query ? { querystring: definition.query } : {}),
      ...(definition.body ? { body: definition.body } : {}),
      ...(definition.upload ? { consumes: ['multipart/form-data'] } : {}),
      ...(definition.produces ? { produces: [...definition.produces] } : {}),
      ...(response ? { response } : {}),
    },
    ...hooks,
    handler: async (request, reply) => {
      if (status !== 200) reply.code(status);
      return handler(request as unknown as OperationRequest<D>, reply);
    },
  });
}
