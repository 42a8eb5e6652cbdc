import type { Locale } from '../shared/errors';
import { fillMessage } from '../shared/i18n/fill-message';
import type { MessageKey } from '../shared/i18n/messages.zh-CN';
import { zhCNShell } from '../shared/i18n/messages.zh-CN.shell';

/**
 * The web's message catalogues. The first page (sign-in and the page's frame) carries only the
 * Chinese labels it shows (messages.zh-CN.shell.ts); the whole Chinese catalogue is a chunk
 * loaded with the pages behind the sign-in (`withCatalogue`), and English a chunk fetched when a
 * reader chooses it, so most readers never download it.
 */
type Catalogue = Partial<Record<MessageKey, string>>;
const catalogues: Partial<Record<Locale, Catalogue>> = { 'zh-CN': zhCNShell };
let wholeChinese: Promise<void> | undefined;

export function isCatalogueLoaded(locale: Locale): boolean {
  return locale === 'zh-CN' || catalogues[locale] !== undefined;
}

export async function loadCatalogue(locale: Locale): Promise<void> {
  if (locale === 'en' && !catalogues.en)
    catalogues.en = (await import('../shared/i18n/messages.en')).en;
}

/** The whole Chinese catalogue (also the fallback of a missing English label), once. */
function loadWholeChinese(): Promise<void> {
  wholeChinese ??= import('../shared/i18n/messages.zh-CN').then(({ zhCN }) => {
    catalogues['zh-CN'] = zhCN;
  });
  return wholeChinese;
}

/**
 * A lazily loaded page together with the whole Chinese catalogue: for `React.lazy`, so that no page
 * behind the first one renders before its labels are here.
 */
export async function withCatalogue<Module>(page: Promise<Module>): Promise<Module> {
  const [module] = await Promise.all([page, loadWholeChinese()]);
  return module;
}

/** The text of `key` in `locale` (Chinese until the locale's catalogue has arrived). */
export function translateInWeb(
  locale: Locale,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const text = catalogues[locale]?.[key] ?? catalogues['zh-CN']?.[key] ?? key;
  return fillMessage(text, params);
}
