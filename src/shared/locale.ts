import type { Locale } from './errors';

/**
 * The cookie the web keeps the reader's chosen language in. API calls also say it in
 * Accept-Language, but a download is a plain link, for which the browser sends its own.
 */
export const LOCALE_COOKIE = 'luoshi_locale';

/** zh-CN unless the client clearly prefers English. */
export function pickLocale(acceptLanguage: string | undefined | null): Locale {
  if (!acceptLanguage) return 'zh-CN';
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
}

/** The language of a request: the reader's choice (the cookie) first, then Accept-Language. */
export function requestLocaleOf(
  cookie: string | undefined | null,
  acceptLanguage: string | undefined | null,
): Locale {
  if (cookie === 'en' || cookie === 'zh-CN') return cookie;
  return pickLocale(acceptLanguage);
}
