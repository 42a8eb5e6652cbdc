import type { FastifyRequest } from 'fastify';
import type { Locale } from '../../shared/errors';
import { LOCALE_COOKIE, requestLocaleOf } from '../../shared/locale';

/** The language to answer a request in: the reader's chosen one (cookie), else Accept-Language. */
export function requestLocale(request: FastifyRequest): Locale {
  return requestLocaleOf(request.cookies?.[LOCALE_COOKIE], request.headers['accept-language']);
}
