import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import type { Locale } from '../shared/errors';
import type { MessageKey } from '../shared/i18n/messages';
import { setApiLanguage } from './api/client';
import { isCatalogueLoaded, loadCatalogue, translateInWeb } from './catalogues';

const STORAGE_KEY = 'luoshi.locale';

interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLocale(): Locale {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return stored === 'en' ? 'en' : 'zh-CN';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => {
    const chosen = initialLocale();
    setApiLanguage(chosen);
    return chosen;
  });
  // A reader who chose English last time waits for its catalogue (a few KB) before the first paint,
  // rather than seeing Chinese flash by.
  const [catalogueReady, setCatalogueReady] = useState(() => isCatalogueLoaded(locale));
  useEffect(() => {
    if (catalogueReady) return;
    loadCatalogue(locale).then(
      () => setCatalogueReady(true),
      () => setCatalogueReady(true), // offline: Chinese rather than nothing
    );
  }, [catalogueReady, locale]);
  const setLocale = useCallback((next: Locale) => {
    const apply = () => {
      localStorage.setItem(STORAGE_KEY, next);
      setApiLanguage(next);
      document.documentElement.lang = next;
      setLocaleState(next);
    };
    loadCatalogue(next).then(apply, apply);
  }, []);
  const value = useMemo<I18n>(
    () => ({ locale, setLocale, t: (key, params) => translateInWeb(locale, key, params) }),
    [locale, setLocale],
  );
  if (!catalogueReady) return null;
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n outside I18nProvider');
  return context;
}
