import { useEffect, useState } from 'react';

/** The current path, following back/forward and `navigate`. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    window.addEventListener('popstate', update);
    window.addEventListener('luoshi:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('luoshi:navigate', update);
    };
  }, []);
  return path;
}

export function navigate(path: string): void {
  // A path with its own query (a record's link) replaces the current one.
  history.pushState(null, '', path.includes('?') ? path : `${path}${location.search}`);
  window.dispatchEvent(new Event('luoshi:navigate'));
}

/** A parameter of the address's query (?name=value), or undefined. */
export function searchParam(name: string): string | undefined {
  return new URLSearchParams(location.search).get(name) ?? undefined;
}
