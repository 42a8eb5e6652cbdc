import type { Locale } from '../errors';
import { fillMessage } from './fill-message';
import { en } from './messages.en';
import { type MessageKey, zhCN } from './messages.zh-CN';

export type { MessageKey };

/** Both catalogues, for the server and shared rules; the web loads English on demand (web/i18n.tsx). */
const catalogues: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export function translate(
  locale: Locale,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  return fillMessage(catalogues[locale][key], params);
}
