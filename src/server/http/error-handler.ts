import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AppError,
  errorCatalogue,
  formatBytes,
  formatErrorMessage,
  paramIn,
  type ErrorCode,
  type FieldIssue,
} from '../../shared/errors';
import type { Locale } from '../../shared/errors';
import { isDataException } from '../db/errors';
import { requestLocale } from './request-locale';

const zodLocales: Record<Locale, ReturnType<typeof z.locales.en>> = {
  'zh-CN': z.locales.zhCN(),
  en: z.locales.en(),
};

/** zod's own wording of a validation issue, in the caller's language. */
function localizeIssue(
  issue: { keyword: string; message?: string | undefined; params: Record<string, unknown> },
  locale: Locale,
): string {
  try {
    const localized = zodLocales[locale].localeError({
      ...issue.params,
      code: issue.keyword,
    } as never);
    const message = typeof localized === 'string' ? localized : localized?.message;
    return message ?? issue.message ?? issue.keyword;
  } catch {
    return issue.message ?? issue.keyword;
  }
}

/**
 * The one place that turns failures into replies: `{ error: { code, message, issues } }`
 * in the caller's language. Anything unexpected is logged and answered as `internal`,
 * so stack traces, SQL and paths never reach a client.
 */
export function installErrorHandler(
  app: FastifyInstance,
  options: { uploadMaxBytes: number },
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      // A refusal the user can act on; when it stands for a failure of ours (a store down), log why.
      if (error.status >= 500 && error.cause !== undefined)
        request.log.error({ err: error.cause }, error.code);
      return sendError(request, reply, error);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const locale = requestLocale(request);
      const issues: FieldIssue[] = error.validation.map((issue) => ({
        path: joinPath(error.validationContext, issue.instancePath),
        message: localizeIssue(issue, locale),
      }));
      return sendError(request, reply, new AppError('request.invalid', {}, issues));
    }
    if (isResponseSerializationError(error)) {
      request.log.error(
        { err: error, issues: error.cause.issues },
        'response does not match its schema',
      );
      return sendError(request, reply, new AppError('internal'));
    }
    const mapped = mapFrameworkError(error, options.uploadMaxBytes);
    if (mapped) return sendError(request, reply, mapped);
    // A value the database cannot hold that got past the input guard: the caller's input, not our failure.
    if (isDataException(error)) {
      request.log.warn({ err: error }, 'input refused by the database');
      return sendError(
        request,
        reply,
        new AppError('request.invalid', {}, [{ path: '', message: 'a value is out of range' }]),
      );
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(request, reply, new AppError('internal'));
  });
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: AppError,
): FastifyReply {
  const locale = requestLocale(request);
  return reply.code(error.status).send({
    error: {
      code: error.code,
      message: formatErrorMessage(error.code, error.params, locale),
      ...(Object.keys(error.params).length > 0
        ? {
            params: Object.fromEntries(
              Object.entries(error.params).map(([name, value]) => [
                name,
                typeof value === 'object' ? paramIn(value, locale) : value,
              ]),
            ),
          }
        : {}),
      issues: error.issues,
      ...(error.current === undefined ? {} : { current: error.current }),
    },
  });
}

function mapFrameworkError(error: FastifyError, uploadMaxBytes: number): AppError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
      return new AppError('request.too_large', { limit: formatBytes(uploadMaxBytes) });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('request.invalid', {}, [
        { path: 'content-type', message: 'unsupported content type' },
      ]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('request.invalid', {}, [
        { path: 'body', message: 'body is not valid JSON' },
      ]);
  }
  const status = error.statusCode ?? 500;
  if (status === 429) return new AppError('request.rate_limited');
  if (status >= 400 && status < 500)
    return new AppError('request.invalid', {}, [{ path: '', message: error.message }]);
  return null;
}

function joinPath(context: string | undefined, instancePath: string): string {
  const segments = instancePath.split('/').filter(Boolean);
  return [context ?? 'body', ...segments].join('.');
}

export function errorStatus(code: ErrorCode): number {
  return errorCatalogue[code].status;
}
