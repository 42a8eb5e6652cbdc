import type { Locale } from '../shared/errors';
import { fillMessage } from '../shared/i18n/fill-message';
import { type MessageKey, zhCN } from '../shared/i18n/messages.zh-CN';

/**
 * The web's message catalogues. Chinese is built into the first page; English is a chunk of its
 * own, fetched when a reader chooses it, so most readers never download it.
 */
const catalogues: Partial<Record<Locale, Record<MessageKey, string>>> = { 'zh-CN': zhCN };

export function isCatalogueLoaded(locale: Locale): boolean {
  return catalogues[locale] !== undefined;
}

export async function loadCatalogue(locale: Locale): Promise<void> {
  if (locale === 'en' && !catalogues.en)
    catalogues.en = (await import('../shared/i18n/messages.en')).en;
}

/** The text of `key` in `locale` (Chinese until the locale's catalogue has arrived). */
export function translateInWeb(
  locale: Locale,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  return fillMessage((catalogues[locale] ?? zhCN)[key], params);
}
